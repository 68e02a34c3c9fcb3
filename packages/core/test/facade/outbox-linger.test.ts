import { fromBinary } from '@bufbuild/protobuf';
import { FrameSchema } from '@parley/protocol';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engines } from '../engine/engines.js';
import { useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { duplicates, outboxSize, projectedBodies } from '../support/projection.js';
import { texts, waitFor } from '../support/wait.js';

describe('the outbox linger window', () => {
  const fx = useRelay();
  afterEach(() => vi.restoreAllMocks());

  /**
   * Stops the clock the outbox reads (performance.now) to tell an idle outbox from a busy one, a
   * minute past now: the next kick finds the outbox idle (its last drain started long "ago"), and
   * every later one finds it busy (no time passes after that drain starts), however long the
   * machine takes between commits.
   */
  function stopIdleClockAfterAPause(): void {
    const pausedUntil = performance.now() + 60_000;
    vi.spyOn(performance, 'now').mockReturnValue(pausedUntil);
  }

  /** Makes every reading of that clock an hour after the previous one: every kick finds it idle. */
  function pauseBeforeEveryKick(): void {
    let now = performance.now();
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 3_600_000));
  }

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
   * Three messages, each committed on its own (one after the other, not in one tick), after a
   * first one that finds the outbox idle and goes out at once: the three find it busy.
   */
  async function sendThree(p: Awaited<ReturnType<typeof pair>>) {
    stopIdleClockAfterAPause();
    const first = fx.text('first');
    await p.alice.sendText(p.conversation, first);
    // Counted from the moment Bob has the first one (its envelope is not one of the three's); the
    // stopped idle clock keeps the outbox busy for the three however long this wait takes.
    await waitFor(() => texts(p.bob, p.conversation).includes(first), 'the first');
    const before = p.pushed.length;
    const bodies = [fx.text('one'), fx.text('two'), fx.text('three')];
    for (const body of bodies) await p.alice.sendText(p.conversation, body);
    await waitFor(() => bodies.every((b) => texts(p.bob, p.conversation).includes(b)), 'all three');
    await p.bob.settled();
    expect(texts(p.bob, p.conversation).slice(-3)).toEqual(bodies);
    expect(duplicates(await projectedBodies(p.bobDb, p.conversation))).toEqual([]);
    await waitFor(async () => (await outboxSize(p.aliceDb)) === 0, 'outbox drained');
    return p.pushed.length - before;
  }

  it('messages committed separately within the window go out in one envelope', async () => {
    // The idle clock is stopped (the three find the outbox busy); a long window, so that the three
    // commits fall inside it even on a loaded machine.
    expect(await sendThree(await pair(3_000))).toBe(1);
  });

  it('without a window each committed message goes out at once, in its own envelope', async () => {
    expect(await sendThree(await pair(0))).toBeGreaterThan(1);
  });

  it('an idle outbox sends at once instead of waiting for the window', async () => {
    // Each kick comes after a pause (past OUTBOX_IDLE_AFTER_MS), without sleeping; the window is
    // far longer than waitFor's limit, so only the idle path can deliver within it.
    pauseBeforeEveryKick();
    const p = await pair(3_600_000);
    const body = fx.text('after a pause');
    await p.alice.sendText(p.conversation, body);
    await waitFor(() => texts(p.bob, p.conversation).includes(body), 'sent at once');
  });
});
