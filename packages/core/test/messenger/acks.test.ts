import { fromBinary } from '@bufbuild/protobuf';
import { FrameSchema } from '@parley/protocol';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { engines } from '../engine/engines.js';
import { useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { texts, waitFor } from '../support/wait.js';

/** Acks share frames (relay-connection.ts, ACK_DELAY_MS), and none is lost at close. */
describe('acknowledgements', () => {
  const fx = useRelay();

  /** Bob's sockets report the envelopes pushed to him and the ack frames he writes. */
  function observed() {
    const seen = { pushed: [] as string[], ackFrames: 0, acked: 0 };
    const socket = interceptingWebSocket(
      (data) => {
        const frame = fromBinary(FrameSchema, data);
        if (frame.kind.case === 'push' && frame.kind.value.kind.case === 'envelope')
          seen.pushed.push(frame.kind.value.kind.value.clientId);
        return data;
      },
      (data) => {
        const frame = fromBinary(FrameSchema, data);
        if (frame.kind.case !== 'ack') return;
        seen.ackFrames++;
        seen.acked += frame.kind.value.serverIds.length;
      },
    );
    return { seen, socket };
  }

  it('go out several batches to a frame, every envelope acked once', async () => {
    const { seen, socket } = observed();
    const alice = await fx.messenger(undefined, WebSocket, engines[0]!.engine, {
      outboxLingerMs: 0,
    });
    const bob = await fx.messenger(undefined, socket);
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    const before = { pushed: seen.pushed.length, frames: seen.ackFrames, acked: seen.acked };
    const bodies = Array.from({ length: 8 }, (_, i) => fx.text(`spaced ${i}`));
    for (const body of bodies) {
      await alice.sendText(conversation, body);
      // Each message its own envelope, arriving after bob handled the previous one.
      await waitFor(() => texts(bob, conversation).includes(body), body);
    }
    const pushed = seen.pushed.length - before.pushed;
    await waitFor(() => seen.acked - before.acked >= pushed, 'all acked');
    expect(pushed).toBeGreaterThanOrEqual(bodies.length);
    expect(seen.acked - before.acked).toBe(pushed);
    expect(seen.ackFrames - before.frames).toBeLessThan(pushed);
  });

  it('owed when the messenger closes are written before its socket closes', async () => {
    const bobDb = `bob-${crypto.randomUUID()}`;
    const first = observed();
    const alice = await fx.messenger();
    const bob = await fx.messenger(bobDb, first.socket);
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    const body = fx.text('acked as bob closes');
    await alice.sendText(conversation, body);
    await waitFor(() => texts(bob, conversation).includes(body), 'received');
    await bob.settled();
    await bob.close();
    // Acked, the envelope is deleted at the relay: the next connection is not pushed it again.
    const second = observed();
    const reopened = await fx.messenger(bobDb, second.socket);
    await reopened.settled();
    const marker = fx.text('after the reopen');
    await alice.sendText(conversation, marker);
    await waitFor(() => texts(reopened, conversation).includes(marker), 'marker');
    expect(second.seen.pushed).toHaveLength(1);
  });
});
