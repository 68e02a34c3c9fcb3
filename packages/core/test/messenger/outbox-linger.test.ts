import { fromBinary } from '@bufbuild/protobuf';
import { FrameSchema } from '@parley/protocol';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { engines } from '../engine/engines.js';
import { useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { duplicates, outboxSize, projectedBodies } from '../support/projection.js';
import { texts, waitFor } from '../support/wait.js';

describe('the outbox linger window', () => {
  const fx = useRelay();

  /** Bob counts the envelopes the relay pushes to him. */
  async function pair(outboxLingerMs: number) {
    const pushed: string[] = [];
    const counting = interceptingWebSocket((data) => {
      const frame = fromBinary(FrameSchema, data);
      if (frame.kind.case === 'push' && frame.kind.value.kind.case === 'envelope')
        pushed.push(frame.kind.value.kind.value.clientId);
      return data;
    });
    const aliceDb = `alice-${crypto.randomUUID()}`;
    const bobDb = `bob-${crypto.randomUUID()}`;
    const alice = await fx.messenger(aliceDb, WebSocket, engines[0]!.engine, { outboxLingerMs });
    const bob = await fx.messenger(bobDb, counting);
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    await waitFor(async () => (await outboxSize(aliceDb)) === 0, 'warm-up acknowledged');
    return { alice, bob, aliceDb, bobDb, conversation, pushed };
  }

  /**
   * Three messages, each committed on its own (one after the other, not in one tick), right after
   * a first one that finds the outbox idle and goes out at once: the three find it busy.
   */
  async function sendThree(p: Awaited<ReturnType<typeof pair>>) {
    const first = fx.text('first');
    await p.alice.sendText(p.conversation, first);
    const before = p.pushed.length;
    const bodies = [fx.text('one'), fx.text('two'), fx.text('three')];
    for (const body of bodies) await p.alice.sendText(p.conversation, body);
    await waitFor(() => texts(p.bob, p.conversation).includes(first), 'the first');
    await waitFor(() => bodies.every((b) => texts(p.bob, p.conversation).includes(b)), 'all three');
    await p.bob.settled();
    expect(texts(p.bob, p.conversation).slice(-3)).toEqual(bodies);
    expect(duplicates(await projectedBodies(p.bobDb, p.conversation))).toEqual([]);
    await waitFor(async () => (await outboxSize(p.aliceDb)) === 0, 'outbox drained');
    return p.pushed.length - before;
  }

  it('messages committed separately within the window go out in one envelope', async () => {
    // A long window, so that the three commits fall inside it even on a loaded machine.
    expect(await sendThree(await pair(1_000))).toBe(1);
  });

  it('without a window each committed message goes out at once, in its own envelope', async () => {
    expect(await sendThree(await pair(0))).toBeGreaterThan(1);
  });

  it('an idle outbox sends at once instead of waiting for the window', async () => {
    const lingerMs = 2_000;
    const p = await pair(lingerMs);
    await new Promise((resolve) => setTimeout(resolve, 300)); // idle now (OUTBOX_IDLE_AFTER_MS)
    const body = fx.text('after a pause');
    await p.alice.sendText(p.conversation, body);
    // Well before the window would have ended: only the idle path delivers in time.
    await waitFor(
      () => texts(p.bob, p.conversation).includes(body),
      'sent at once',
      lingerMs - 500,
    );
  });
});
