/**
 * Calls loaded on first use (calls/lazy-calls.ts): a page fetches the call logic after first
 * paint, so a signal can arrive before it is there. The signals wait in order and the invite
 * rings once the logic has loaded; it must never be recorded as a missed call for want of code.
 * The logic itself is the real one (calls-kit.ts); only its loading is held back by the test.
 */
import { describe, expect, it } from 'vitest';
import { fromBinary } from '@bufbuild/protobuf';
import { ContentSchema, type Content } from '@parley/protocol';
import * as callsKit from '../../src/calls/calls-kit.js';
import { callSignalContent, type SignalKind } from '../../src/calls/call-signal.js';
import { LazyCalls, type CallsKit } from '../../src/calls/lazy-calls.js';
import { INVITE_MAX_AGE_MS } from '../../src/calls/limits.js';
import type { CallPeers, CallRecord } from '../../src/calls/types.js';

const CALL_ID = '0123456789abcdef';
const ALICE = { accountId: 'alice', deviceId: 1 };

function setup() {
  let clock = 5_000_000;
  const records: CallRecord[] = [];
  const errors: unknown[] = [];
  const loads: { resolve(kit: CallsKit): void; reject(error: Error): void }[] = [];
  const calls = new LazyCalls({
    load: () => new Promise<CallsKit>((resolve, reject) => loads.push({ resolve, reject })),
    onError: (error) => errors.push(error),
    calls: {
      selfDevice: () => 'bob.1',
      membersOf: () => ({ accounts: ['alice'], group: false }),
      titleOf: () => 'alice',
      usernameOf: (accountId) => accountId,
      send: () => {},
      network: async () => ({ iceServers: [], iceTransportPolicy: 'all' }),
      record: (_conversationId, record) => records.push(record),
      now: () => clock,
    },
  });
  const peers: CallPeers = {
    start: async () => {},
    link: () => ({ signal() {}, destroy() {} }),
    stop() {},
  };
  calls.attach(peers);
  /** A signal from Alice as Bob's inbox decrypts it, sent at the current clock. */
  const signal = (kind: SignalKind): Content => {
    const content = fromBinary(
      ContentSchema,
      callSignalContent({ callId: CALL_ID, conversationId: 'chat', kind }),
    );
    content.createdAt = BigInt(clock);
    return content;
  };
  return {
    calls,
    records,
    errors,
    loads,
    signal,
    advance: (ms: number) => void (clock += ms),
  };
}

const invite: SignalKind = { case: 'invite', video: false, participants: ['bob'] };
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('calls loaded on first use', () => {
  it('an invite that arrives while the call logic loads rings once it is there', async () => {
    const t = setup();
    t.calls.receive(t.signal(invite), ALICE);
    expect(t.loads).toHaveLength(1);
    expect(t.calls.current.getSnapshot()).toBeNull();
    // The code takes a while to arrive, well within the invite's lifetime.
    t.advance(INVITE_MAX_AGE_MS / 2);
    t.loads[0]!.resolve(callsKit);
    await settle();
    expect(t.calls.current.getSnapshot()).toMatchObject({ id: CALL_ID, phase: 'incoming' });
    expect(t.records).toEqual([]);
  });

  it('signals that wait for the logic are applied in order', async () => {
    const t = setup();
    t.calls.receive(t.signal(invite), ALICE);
    t.calls.receive(t.signal({ case: 'hangup' }), ALICE);
    expect(t.loads).toHaveLength(1);
    t.loads[0]!.resolve(callsKit);
    await settle();
    // The caller gave up before the person could answer: one missed call, nothing ringing.
    expect(t.calls.current.getSnapshot()).toBeNull();
    expect(t.records).toMatchObject([{ direction: 'incoming', outcome: 'missed' }]);
  });

  it('a failed load is reported and retried by the next signal, which finds the first waiting', async () => {
    const t = setup();
    t.calls.receive(t.signal(invite), ALICE);
    t.loads[0]!.reject(new Error('offline'));
    await settle();
    expect(t.errors).toHaveLength(1);
    expect(t.records).toEqual([]);
    t.calls.receive(t.signal({ case: 'ringing' }), { accountId: 'alice', deviceId: 2 });
    expect(t.loads).toHaveLength(2);
    t.loads[1]!.resolve(callsKit);
    await settle();
    expect(t.calls.current.getSnapshot()).toMatchObject({ id: CALL_ID, phase: 'incoming' });
    expect(t.records).toEqual([]);
  });
});
