import { describe, expect, it } from 'vitest';
import { useRelay } from '../support/fixture.js';
import { find, texts, waitFor } from '../support/wait.js';

/**
 * A relay that answers RATE_LIMITED (here: two sends per device, then one a second): the outbox
 * keeps the refused rows and sends them again after the relay's retry-after, so every message
 * arrives once and in order, and nothing is dropped. The relay's own counter proves the limit
 * was hit (its /metrics answers loopback clients when no token is configured).
 */
describe('sending under a relay rate limit', () => {
  const fx = useRelay(['--rate-limits', '{"sendsPerDevice":{"burst":2,"perSecond":1}}']);

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
    for (let i = 0; i < 6; i++) {
      const text = fx.text(`limited #${i}`);
      sent.push(text);
      ids.push(await alice.sendText(conversation, text));
    }
    await waitFor(() => texts(bob, conversation).length === 6, 'all 6 arrive', 60_000);
    expect(texts(bob, conversation)).toEqual(sent);
    await waitFor(
      () => ids.every((id) => find(alice, conversation, id)?.status !== 'pending'),
      'all acked by the relay',
      60_000,
    );
    expect(await rateLimitedAnswers()).toBeGreaterThan(0);
  });
});
