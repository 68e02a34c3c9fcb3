/**
 * The tabs' channels (src/tabs, docs/decisions/0710) on Node's BroadcastChannel: a pipe keeps
 * what arrives before anyone listens, and garbage on the control channel is ignored. The election
 * and the handshake (Web Locks, which Node lacks) run in Chromium: test/e2e/tabs.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pipePort } from '../../src/tabs/pipe-port.js';
import { parseTabSignal, tabNames } from '../../src/tabs/tab-names.js';

const opened: BroadcastChannel[] = [];
function channel(name: string): BroadcastChannel {
  const c = new BroadcastChannel(name);
  opened.push(c);
  return c;
}
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

describe('tab channels', () => {
  const names = tabNames(`test-${crypto.randomUUID()}`);

  it('a pipe keeps early messages and delivers them in order once listened to', async () => {
    const ownerEnd = channel(names.pipe('o', 't'));
    const followerEnd = channel(names.pipe('o', 't'));
    const port = pipePort<number, number>(followerEnd);
    const probe = channel(names.pipe('o', 't'));
    const third = new Promise<unknown>((resolve) => {
      let seen = 0;
      probe.onmessage = (e) => ++seen === 3 && resolve(e.data);
    });
    for (const n of [1, 2, 3]) ownerEnd.postMessage(n);
    await third; // all three have arrived at the follower's end too, before it listens
    const received: number[] = [];
    port.listen((n) => received.push(n));
    expect(received).toEqual([1, 2, 3]);
  });

  it('ignores control messages that are not well-formed', () => {
    for (const raw of [
      null,
      'owner',
      { type: 'owner' },
      { type: 'join', owner: 'o' },
      { type: 'x' },
    ])
      expect(parseTabSignal(raw)).toBeUndefined();
    expect(parseTabSignal({ type: 'session-ended', extra: 1 })).toEqual({ type: 'session-ended' });
  });
});
