/**
 * The call logic of core (calls/calls.ts) with several devices wired to one in-memory
 * switchboard: every signal goes through the real Content encoding and decoding (as the relay
 * would carry it, minus encryption, which the delivery tests cover), and the media side is a
 * stand-in, because Node has no WebRTC: a "link" connects as soon as offer and answer have
 * crossed. The real media path is covered by apps/web/test/calls in Chromium.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { ContentSchema } from '@parley/protocol';
import { Calls } from '../../src/calls/calls.js';
import { callSignalContent, readSignal, type SignalKind } from '../../src/calls/call-signal.js';
import { INVITE_MAX_AGE_MS, MAX_SDP_LENGTH, RING_TIMEOUT_MS } from '../../src/calls/limits.js';
import type {
  AwayInvite,
  CallPeers,
  CallRecord,
  PeerLinkHandlers,
  PeerSignal,
} from '../../src/calls/types.js';

const CONVERSATION = 'conversation-1';

interface Device {
  address: string;
  calls: Calls;
  records: CallRecord[];
  /** What the away ringer was told (devices whose app is closed). */
  away: string[];
  invites: AwayInvite[];
  links: Map<string, PeerLinkHandlers>;
  started: string[];
  stopped: string[];
}

/**
 * Devices by address, each a Calls with deps that deliver to the others synchronously-later.
 * Devices in `closed` have no media side, as a service worker woken by a push: they ring away.
 */
function switchboard(
  groups: Record<string, string[]>,
  group = false,
  closed: string[] = [],
  /** Away longer than a signal lives on the relay: only signals that do not expire reach them. */
  away: string[] = [],
) {
  const devices = new Map<string, Device>();
  let clock = 1_000_000;
  const queue: (() => void)[] = [];
  const accountOf = (address: string) => address.split('.')[0] as string;
  const add = (address: string, open = !closed.includes(address)): Device => {
    const device: Device = {
      address,
      records: [],
      away: [],
      invites: [],
      links: new Map(),
      started: [],
      stopped: [],
      calls: undefined as unknown as Calls,
    };
    device.calls = new Calls({
      selfDevice: () => address,
      membersOf: () => ({
        accounts: Object.keys(groups).filter((account) => account !== accountOf(address)),
        group,
      }),
      titleOf: () => 'chat',
      usernameOf: (accountId) => accountId,
      network: async () => ({ iceServers: [], iceTransportPolicy: 'all' }),
      now: () => clock,
      send: (accountIds, ownDevices, content, expires) => {
        const targets = [...accountIds, ...(ownDevices ? [accountOf(address)] : [])].flatMap(
          (account) => groups[account] ?? [],
        );
        for (const target of targets) {
          if (target === address || (expires && away.includes(target))) continue;
          queue.push(() => deliver(target, address, content));
        }
      },
      record: (_conversation, record) => device.records.push(record),
    });
    const peers: CallPeers = {
      start: async (callId) => void device.started.push(callId),
      stop: (callId) => void device.stopped.push(callId),
      link: (_callId, remote, initiator, handlers) => {
        device.links.set(remote, handlers);
        if (initiator)
          queueMicrotask(() => handlers.signal({ type: 'offer', sdp: `offer ${address}` }));
        return {
          signal: (signal: PeerSignal) => {
            if ('type' in signal && signal.type === 'offer') {
              handlers.signal({ type: 'answer', sdp: `answer ${address}` });
              handlers.connected();
            } else if ('type' in signal && signal.type === 'answer') handlers.connected();
          },
          destroy: () => device.links.delete(remote),
        };
      },
    };
    if (open) device.calls.attach(peers);
    else
      device.calls.ringAway({
        ringing: (invite) => {
          device.invites.push(invite);
          device.away.push(`ringing ${invite.callId}`);
        },
        ended: (callId, why) => void device.away.push(`ended ${callId} ${why}`),
      });
    devices.set(address, device);
    return device;
  };
  const deliver = (to: string, from: string, bytes: Uint8Array) => {
    const content = fromBinary(ContentSchema, bytes);
    if (content.body.case !== 'callSignal') throw new Error('not a call signal');
    const signal = readSignal(content.body.value, Number(content.createdAt));
    if (typeof signal === 'string') throw new Error(signal);
    const [accountId, deviceId] = from.split('.');
    devices.get(to)?.calls.receive(
      { ...signal, createdAt: clock },
      {
        accountId: accountId as string,
        deviceId: Number(deviceId),
      },
    );
  };
  /** Delivers everything sent, and what that causes, until quiet. */
  const flush = async () => {
    for (let rounds = 0; rounds < 100; rounds++) {
      // Microtasks only, so that fake timers do not stall it.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      if (queue.length === 0) return;
      for (const task of queue.splice(0)) task();
    }
    throw new Error('signalling never settled');
  };
  for (const addresses of Object.values(groups)) for (const address of addresses) add(address);
  return {
    device: (address: string) => devices.get(address) as Device,
    /** The app opens on a device (a page load): a new Calls with its media side. */
    open: (address: string) => add(address, true),
    flush,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

describe('call logic', () => {
  it('rings every device of the callee; the first to answer takes the call, the others stop', async () => {
    const net = switchboard({ alice: ['alice.1'], bob: ['bob.1', 'bob.2'] });
    const callId = await net.device('alice.1').calls.start(CONVERSATION, 'video');
    await net.flush();
    expect(net.device('bob.1').calls.current.getSnapshot()?.phase).toBe('incoming');
    expect(net.device('bob.2').calls.current.getSnapshot()?.phase).toBe('incoming');
    expect(net.device('alice.1').calls.current.getSnapshot()?.participants[0]?.ringing).toBe(true);

    await net.device('bob.2').calls.accept(callId);
    await net.flush();
    expect(net.device('bob.1').calls.current.getSnapshot()).toBeNull();
    expect(net.device('bob.1').records).toEqual([]); // answered elsewhere: nothing missed
    expect(net.device('bob.2').calls.current.getSnapshot()?.phase).toBe('active');
    expect(net.device('alice.1').calls.current.getSnapshot()?.phase).toBe('active');
    expect([...net.device('alice.1').links.keys()]).toEqual(['bob.2']);

    net.advance(65_000);
    net.device('bob.2').calls.hangUp(callId);
    await net.flush();
    expect(net.device('alice.1').calls.current.getSnapshot()).toBeNull();
    expect(net.device('alice.1').records).toEqual([
      { direction: 'outgoing', outcome: 'answered', media: 'video', durationMs: 65_000 },
    ]);
    expect(net.device('bob.2').records).toEqual([
      { direction: 'incoming', outcome: 'answered', media: 'video', durationMs: 65_000 },
    ]);
    expect(net.device('alice.1').stopped).toEqual([callId]);
  });

  it('declining on one device stops the others and tells the caller', async () => {
    const net = switchboard({ alice: ['alice.1'], bob: ['bob.1', 'bob.2'] });
    const callId = await net.device('alice.1').calls.start(CONVERSATION, 'audio');
    await net.flush();
    net.device('bob.1').calls.decline(callId);
    await net.flush();
    expect(net.device('bob.2').calls.current.getSnapshot()).toBeNull();
    expect(net.device('alice.1').calls.current.getSnapshot()).toBeNull();
    expect(net.device('alice.1').records[0]).toMatchObject({ outcome: 'declined' });
    expect(net.device('bob.1').records[0]).toMatchObject({ outcome: 'declined' });
    expect(net.device('bob.2').records[0]).toMatchObject({ outcome: 'declined' });
  });

  it('a device in a call cannot start another', async () => {
    const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'], carol: ['carol.1'] });
    // Carol and Bob are talking (Carol's chat with Bob: same switchboard, three accounts).
    const first = await net.device('carol.1').calls.start(CONVERSATION, 'audio');
    await net.flush();
    await net.device('bob.1').calls.accept(first);
    await net.device('alice.1').calls.accept(first);
    await net.flush();
    const second = await net
      .device('alice.1')
      .calls.start(CONVERSATION, 'audio')
      .catch((e) => e);
    expect(second).toMatchObject({ code: 'CALL_IN_PROGRESS' });
  });

  describe('with a clock', () => {
    beforeEach(() => void vi.useFakeTimers());
    afterEach(() => void vi.useRealTimers());

    it('an unanswered call stops ringing after RING_TIMEOUT_MS: unanswered and missed', async () => {
      const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'] });
      await net.device('alice.1').calls.start(CONVERSATION, 'audio');
      await net.flush();
      expect(net.device('bob.1').calls.current.getSnapshot()?.phase).toBe('incoming');
      await vi.advanceTimersByTimeAsync(RING_TIMEOUT_MS);
      await net.flush();
      expect(net.device('bob.1').calls.current.getSnapshot()).toBeNull();
      expect(net.device('alice.1').records).toEqual([
        { direction: 'outgoing', outcome: 'unanswered', media: 'audio', durationMs: 0 },
      ]);
      expect(net.device('bob.1').records).toEqual([
        { direction: 'incoming', outcome: 'missed', media: 'audio', durationMs: 0 },
      ]);
    });
  });

  it('an invitation that arrives late rings nothing and becomes a missed call', async () => {
    const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'] });
    const bob = net.device('bob.1');
    const content = fromBinary(
      ContentSchema,
      callSignalContent({
        callId: crypto.randomUUID(),
        conversationId: CONVERSATION,
        kind: { case: 'invite', video: false, participants: ['bob'] },
      }),
    );
    if (content.body.case !== 'callSignal') throw new Error('not a call signal');
    const signal = readSignal(content.body.value, net.now() - INVITE_MAX_AGE_MS - 1);
    if (typeof signal === 'string') throw new Error(signal);
    bob.calls.receive(signal, { accountId: 'alice', deviceId: 1 });
    expect(bob.calls.current.getSnapshot()).toBeNull();
    expect(bob.records).toEqual([
      { direction: 'incoming', outcome: 'missed', media: 'audio', durationMs: 0 },
    ]);
  });

  it('ignores invitations from someone outside the chat, and signals meant for another device', async () => {
    const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'] });
    const bob = net.device('bob.1');
    const invite = (toDevice?: string) => ({
      callId: crypto.randomUUID(),
      conversationId: CONVERSATION,
      createdAt: Date.now(),
      ...(toDevice ? { toDevice } : {}),
      kind: { case: 'invite' as const, video: true, participants: ['bob'] },
    });
    bob.calls.receive(invite(), { accountId: 'mallory', deviceId: 1 });
    bob.calls.receive(invite('bob.2'), { accountId: 'alice', deviceId: 1 });
    expect(bob.calls.current.getSnapshot()).toBeNull();
    expect(bob.records).toEqual([]);
  });

  it('three people in a group connect pairwise, each pair with exactly one offer', async () => {
    const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'], carol: ['carol.1'] }, true);
    const callId = await net.device('alice.1').calls.start(CONVERSATION, 'video');
    await net.flush();
    // Both accept before either hears of the other.
    await Promise.all([
      net.device('bob.1').calls.accept(callId),
      net.device('carol.1').calls.accept(callId),
    ]);
    await net.flush();
    expect([...net.device('alice.1').links.keys()].sort()).toEqual(['bob.1', 'carol.1']);
    expect([...net.device('bob.1').links.keys()].sort()).toEqual(['alice.1', 'carol.1']);
    expect([...net.device('carol.1').links.keys()].sort()).toEqual(['alice.1', 'bob.1']);
    for (const address of ['alice.1', 'bob.1', 'carol.1'])
      expect(
        net
          .device(address)
          .calls.current.getSnapshot()
          ?.participants.every((p) => p.connected),
      ).toBe(true);
  });
});

describe('call signal checks', () => {
  const decode = (bytes: Uint8Array) => {
    const content = fromBinary(ContentSchema, bytes);
    if (content.body.case !== 'callSignal') throw new Error('not a call signal');
    return content.body.value;
  };

  it('round-trips every kind', () => {
    const kinds = [
      { case: 'invite', video: true, participants: ['b', 'c'] },
      { case: 'join' },
      { case: 'description', type: 'answer', sdp: 'v=0' },
      {
        case: 'iceCandidate',
        candidate: 'candidate:1 1 udp 1 10.77.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
      { case: 'ringing' },
      { case: 'busy' },
      { case: 'decline' },
      { case: 'hangup' },
    ] satisfies SignalKind[];
    for (const kind of kinds) {
      const signal = { callId: crypto.randomUUID(), conversationId: 'c', toDevice: 'a.1', kind };
      expect(readSignal(decode(callSignalContent(signal)), 5)).toEqual({ ...signal, createdAt: 5 });
    }
  });

  it('refuses oversized, overfull and malformed signals', () => {
    const base = { callId: crypto.randomUUID(), conversationId: 'c' };
    const read = (kind: SignalKind, callId: string = base.callId) =>
      readSignal(decode(callSignalContent({ ...base, callId, kind })), 0);
    expect(read({ case: 'description', type: 'offer', sdp: 'x'.repeat(MAX_SDP_LENGTH + 1) })).toBe(
      'SDP too long',
    );
    expect(read({ case: 'invite', video: false, participants: ['a', 'b', 'c', 'd'] })).toBe(
      'too many participants',
    );
    expect(read({ case: 'join' }, 'not a call id!')).toBe('malformed call id');
  });

  describe('a device whose app is closed (a service worker woken by a push)', () => {
    it('hands a fresh invitation to the away ringer; the app opened from it rings and answers', async () => {
      const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'] }, false, ['bob.1']);
      const callId = await net.device('alice.1').calls.start(CONVERSATION, 'video');
      await net.flush();
      const closed = net.device('bob.1');
      expect(closed.away).toEqual([`ringing ${callId}`]);
      expect(closed.invites[0]).toMatchObject({
        callId,
        conversationId: CONVERSATION,
        callerDevice: 'alice.1',
        callerUsername: 'alice',
        media: 'video',
        participants: ['alice'],
      });
      expect(closed.records).toEqual([]); // not missed: it rings away
      expect(net.device('alice.1').calls.current.getSnapshot()?.participants[0]?.ringing).toBe(
        true,
      );

      const page = net.open('bob.1');
      page.calls.resume(closed.invites[0]!);
      expect(page.calls.current.getSnapshot()).toMatchObject({ id: callId, phase: 'incoming' });
      await page.calls.accept(callId);
      await net.flush();
      expect(page.calls.current.getSnapshot()?.phase).toBe('active');
      expect(net.device('alice.1').calls.current.getSnapshot()?.phase).toBe('active');
    });

    it('the caller giving up ends it away as missed; a stale invitation resumed rings nothing', async () => {
      const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'] }, false, ['bob.1']);
      const callId = await net.device('alice.1').calls.start(CONVERSATION, 'audio');
      await net.flush();
      const invite = net.device('bob.1').invites[0]!;
      net.device('alice.1').calls.hangUp(callId);
      await net.flush();
      expect(net.device('bob.1').away).toEqual([`ringing ${callId}`, `ended ${callId} missed`]);
      expect(net.device('bob.1').records).toEqual([
        { direction: 'incoming', outcome: 'missed', media: 'audio', durationMs: 0 },
      ]);

      // Opened after the invitation's time: no ringing, a missed-call entry instead.
      net.advance(INVITE_MAX_AGE_MS + 1);
      const page = net.open('bob.1');
      page.calls.resume(invite);
      expect(page.calls.current.getSnapshot()).toBeNull();
      expect(page.records).toEqual([
        { direction: 'incoming', outcome: 'missed', media: 'audio', durationMs: 0 },
      ]);
    });

    it('another device of the account answering ends it away, with nothing missed', async () => {
      const net = switchboard({ alice: ['alice.1'], bob: ['bob.1', 'bob.2'] }, false, ['bob.1']);
      const callId = await net.device('alice.1').calls.start(CONVERSATION, 'audio');
      await net.flush();
      await net.device('bob.2').calls.accept(callId);
      await net.flush();
      expect(net.device('bob.1').away).toEqual([`ringing ${callId}`, `ended ${callId} elsewhere`]);
      expect(net.device('bob.1').records).toEqual([]);
    });

    it('an invitation resumed from outside the chat rings nothing', async () => {
      const net = switchboard({ alice: ['alice.1'], bob: ['bob.1'] });
      net.device('bob.1').calls.resume({
        callId: 'forged',
        conversationId: CONVERSATION,
        callerDevice: 'mallory.1',
        callerUsername: 'mallory',
        title: 'chat',
        media: 'video',
        group: false,
        participants: ['mallory'],
        createdAt: net.now(),
      });
      expect(net.device('bob.1').calls.current.getSnapshot()).toBeNull();
    });
  });

  describe('a device away longer than the invitation lived on the relay', () => {
    it('records the missed call from the caller’s durable notice; one that rang records it once', async () => {
      const net = switchboard(
        { alice: ['alice.1'], bob: ['bob.1', 'bob.2'] },
        false,
        [],
        ['bob.2'],
      );
      const callId = await net.device('alice.1').calls.start(CONVERSATION, 'video');
      await net.flush();
      expect(net.device('bob.1').calls.current.getSnapshot()?.phase).toBe('incoming');
      expect(net.device('bob.2').calls.current.getSnapshot()).toBeNull();
      net.device('alice.1').calls.hangUp(callId);
      await net.flush();
      const missed = { direction: 'incoming', outcome: 'missed', media: 'video', durationMs: 0 };
      expect(net.device('bob.1').records).toEqual([missed]);
      expect(net.device('bob.2').records).toEqual([missed]);
      expect(net.device('alice.1').records).toEqual([
        { direction: 'outgoing', outcome: 'unanswered', media: 'video', durationMs: 0 },
      ]);
    });

    it('an answered call sends no missed notice', async () => {
      const net = switchboard(
        { alice: ['alice.1'], bob: ['bob.1', 'bob.2'] },
        false,
        [],
        ['bob.2'],
      );
      const callId = await net.device('alice.1').calls.start(CONVERSATION, 'audio');
      await net.flush();
      await net.device('bob.1').calls.accept(callId);
      await net.flush();
      net.device('alice.1').calls.hangUp(callId);
      await net.flush();
      expect(net.device('bob.2').records).toEqual([]);
    });
  });
});
