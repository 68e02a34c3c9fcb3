import { describe, expect, it } from 'vitest';
import { useRelay } from '../support/fixture.js';
import { find, texts, waitFor } from '../support/wait.js';

/**
 * A relay that answers RATE_LIMITED (here: one send per device, then one a second): the outbox
 * keeps the refused rows and sends them again after the relay's retry-after, so every message
 * arrives once and in order, and nothing is dropped. The relay's own counter proves the limit
 * was hit (its /metrics answers loopback clients when no token is configured).
 */
describe('sending under a relay rate limit', () => {
  const fx = useRelay([], { sendsPerDevice: { burst: 1, perSecond: 1 } });

  const rateLimitedAnswers = async () => {
    const metrics = await (await fetch(`${fx.relay.url}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.includes('code="RATE_LIMITED"'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  it('backs off and delivers every refused message, once and in order', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const sent: string[] = [];
    const ids: string[] = [];
    // One at a time, each once the relay has the one before: no two coalesce into one send, so
    // every one after the first meets an empty bucket.
    for (let i = 0; i < 4; i++) {
      const text = fx.text(`limited #${i}`);
      sent.push(text);
      const id = await alice.sendText(conversation, text);
      ids.push(id);
      await waitFor(
        () => find(alice, conversation, id)?.status !== 'pending',
        `#${i} sent`,
        60_000,
      );
    }
    await waitFor(() => texts(bob, conversation).length === 4, 'all 4 arrive', 60_000);
    expect(texts(bob, conversation)).toEqual(sent);
    await waitFor(
      () => ids.every((id) => find(alice, conversation, id)?.status !== 'pending'),
      'all acked by the relay',
      60_000,
    );
    expect(await rateLimitedAnswers()).toBeGreaterThan(0);
  });
});
