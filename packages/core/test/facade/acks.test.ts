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

  /**
   * Bob applies `count` messages, each arriving in its own envelope after he handled the one
   * before (one committed batch each), then closes; returns everything pushed to him and the ack
   * frames and ids he wrote (the warm-up's included).
   */
  async function spacedMessages(ackDelayMs: number, count: number) {
    const { seen, socket } = observed();
    const alice = await fx.messenger(undefined, WebSocket, engines[0]!.engine, {
      outboxLingerMs: 0,
    });
    const bob = await fx.messenger(undefined, socket, engines[0]!.engine, { ackDelayMs });
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    for (let i = 0; i < count; i++) {
      const body = fx.text(`spaced ${i}`);
      await alice.sendText(conversation, body);
      await waitFor(() => texts(bob, conversation).includes(body), body);
      await bob.settled();
    }
    await bob.close(); // writes the acks still owed
    return { pushed: seen.pushed.length, frames: seen.ackFrames, acked: seen.acked };
  }

  it('of several committed batches share a frame, every envelope acked once', async () => {
    // A delay longer than the whole exchange: every ack waits for the close.
    const { pushed, frames, acked } = await spacedMessages(60_000, 4);
    expect(pushed).toBeGreaterThanOrEqual(5);
    expect(acked).toBe(pushed);
    expect(frames).toBe(1);
  });

  it('go out with every committed batch when they may not wait', async () => {
    const { pushed, frames, acked } = await spacedMessages(0, 4);
    expect(acked).toBe(pushed);
    expect(frames).toBeGreaterThanOrEqual(5);
  });

  it('owed when the messenger closes are written before its socket closes', async () => {
    const bobDb = `bob-${crypto.randomUUID()}`;
    const first = observed();
    const alice = await fx.messenger();
    // Acks wait longer than the test: only the close can write them.
    const bob = await fx.messenger(bobDb, first.socket, engines[0]!.engine, { ackDelayMs: 60_000 });
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
