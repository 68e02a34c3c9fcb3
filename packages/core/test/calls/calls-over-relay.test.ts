/**
 * Calls between real messengers through a real relay process: signals are encrypted Content in
 * the relay's mailboxes. The media side is a stand-in (Node has no WebRTC; the browser tests in
 * apps/web/test/calls drive real media): a link connects once its offer and answer crossed, and
 * its SDP carries a marker that must never appear in the relay's database in clear.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { FrameSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { CallPeers, PeerSignal } from '../../src/calls/types.js';
import type { Messenger } from '../../src/facade/api.js';
import { useRelay } from '../support/fixture.js';
import { foundInRelay } from '../support/relay-contents.js';
import { texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';

/** A media side whose SDP is `marker`, connecting as soon as offer and answer have crossed. */
function standInPeers(marker: string): CallPeers {
  return {
    start: async () => {},
    stop: () => {},
    link: (_callId, _remote, initiator, handlers) => {
      if (initiator) queueMicrotask(() => handlers.signal({ type: 'offer', sdp: marker }));
      return {
        signal: (signal: PeerSignal) => {
          if (!('type' in signal)) return;
          if (signal.type === 'offer') handlers.signal({ type: 'answer', sdp: marker });
          handlers.connected();
        },
        destroy: () => {},
      };
    },
  };
}

const phase = (m: Messenger) => m.calls?.current.getSnapshot()?.phase;
const callEntries = (m: Messenger, conversation: string) =>
  m
    .messages(conversation)
    .getSnapshot()
    .flatMap((message) => (message.call ? [message.call] : []));

describe('calls through the relay', () => {
  const fx = useRelay();

  it("rings both of Bob's devices; answering on one stops the other; the relay holds no SDP", async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    const laptop = await fx.messenger();
    await linkDevice(bob, laptop);
    // The history archive brings the chat while it is still a request; Bob accepts only then, so
    // the acceptance reaches the laptop through the account document alone (and must ring there).
    await waitFor(
      () => laptop.conversationList.getSnapshot().some((c) => c.id === conversation),
      "the laptop has Bob's chat",
    );
    await bob.acceptMessageRequest(conversation);
    await waitFor(
      () => laptop.conversationList.getSnapshot().some((c) => c.id === conversation && !c.request),
      'the laptop knows it was accepted',
    );
    const sdp = fx.text('sdp marker');
    for (const m of [alice, bob, laptop]) m.calls?.attach(standInPeers(sdp));

    const callId = await alice.calls!.start(conversation, 'video');
    await waitFor(() => phase(bob) === 'incoming' && phase(laptop) === 'incoming', 'both ring');
    await laptop.calls!.accept(callId);
    await waitFor(() => phase(bob) === undefined, 'the phone stops ringing');
    await waitFor(() => phase(alice) === 'active' && phase(laptop) === 'active', 'connected');

    laptop.calls!.hangUp(callId);
    await waitFor(() => phase(alice) === undefined, 'Alice sees the hang-up');
    await waitFor(() => callEntries(alice, conversation).length === 1, "Alice's entry");
    await waitFor(() => callEntries(laptop, conversation).length === 1, "the laptop's entry");
    expect(callEntries(alice, conversation)[0]).toMatchObject({
      direction: 'outgoing',
      outcome: 'answered',
      media: 'video',
    });
    expect(callEntries(laptop, conversation)[0]).toMatchObject({
      direction: 'incoming',
      outcome: 'answered',
    });
    // The phone that stopped ringing adds no missed call: the call was answered.
    expect(callEntries(bob, conversation)).toEqual([]);
    expect(foundInRelay(fx.relay, [sdp])).toEqual([]);
  });

  it('sends call signals with a time to live, and ordinary content without', async () => {
    // Alice's socket records the ttl_seconds of every SendRequest she makes.
    const ttls: number[] = [];
    const recording = interceptingWebSocket(
      (data) => data,
      (data) => {
        const frame = fromBinary(FrameSchema, data);
        if (frame.kind.case === 'request' && frame.kind.value.body.case === 'send') {
          ttls.push(frame.kind.value.body.value.ttlSeconds);
        }
      },
    );
    const alice = await fx.messenger(undefined, recording);
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    await bob.acceptMessageRequest(conversation);
    await bob.sent();
    await alice.settled();
    await alice.sent();
    expect(ttls.length).toBeGreaterThan(0);
    expect(ttls.every((ttl) => ttl === 0)).toBe(true);
    for (const m of [alice, bob]) m.calls?.attach(standInPeers('sdp'));

    const sentBefore = ttls.length;
    const callId = await alice.calls!.start(conversation, 'audio');
    await waitFor(() => phase(bob) === 'incoming', 'Bob rings');
    alice.calls!.hangUp(callId);
    await waitFor(() => phase(bob) === undefined, 'Bob stops ringing');
    await alice.sent();
    // The invite and the hang-up, each with the minute a late invite may ring; last the missed
    // notice, kept without a time to live for a device that was away.
    const signals = ttls.slice(sentBefore);
    expect(signals.at(-1)).toBe(0);
    const expiring = signals.slice(0, -1);
    expect(expiring.length).toBeGreaterThanOrEqual(2);
    for (const ttl of expiring) expect(ttl).toBeGreaterThan(55);
    for (const ttl of expiring) expect(ttl).toBeLessThanOrEqual(60);
    // Bob's phone rang and recorded the missed call once, the notice notwithstanding: a text
    // sent after it is a barrier (Bob's mailbox is one ordered queue).
    const barrier = fx.text('after the call');
    await alice.sendText(conversation, barrier);
    await waitFor(() => texts(bob, conversation).includes(barrier), 'Bob has the barrier');
    expect(callEntries(bob, conversation).map((entry) => entry.outcome)).toEqual(['missed']);
  });
});
