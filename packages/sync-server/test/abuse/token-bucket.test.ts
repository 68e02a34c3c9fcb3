import { describe, expect, it } from 'vitest';
import { InProcessTokenBuckets } from '../../src/limits/token-bucket.js';

/** The buckets' arithmetic on an injected clock: no waiting, no wall-clock windows. */
describe('InProcessTokenBuckets', () => {
  it('allows a burst, refuses with the wait until one token is back, and refills over time', () => {
    let now = 1_000_000;
    const buckets = new InProcessTokenBuckets({ burst: 3, perSecond: 2 }, () => now);
    for (let i = 0; i < 3; i++) expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 500 });
    expect(buckets.take('b').ok).toBe(true); // keys are independent
    now += 499;
    expect(buckets.take('a').ok).toBe(false);
    now += 1;
    expect(buckets.take('a').ok).toBe(true);
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(buckets.take('a').ok).toBe(true); // capped at the burst
    expect(buckets.take('a').ok).toBe(false);
  });

  it('peeks without taking, and never takes part of a cost', () => {
    const buckets = new InProcessTokenBuckets({ burst: 2, perSecond: 1 }, () => 0);
    expect(buckets.peek('a', 2).ok).toBe(true);
    expect(buckets.take('a', 3).ok).toBe(false);
    expect(buckets.take('a', 2).ok).toBe(true);
  });

  it('forgets the least recently used key past its cap (a forgotten key is a full bucket)', () => {
    const buckets = new InProcessTokenBuckets({ burst: 1, perSecond: 0.001 }, () => 0, 2);
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('b').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false); // 'a' used last
    expect(buckets.take('c').ok).toBe(true); // evicts 'b'
    expect(buckets.take('a').ok).toBe(false);
    expect(buckets.take('b').ok).toBe(true);
  });

  it('stays full without limit when lifted (Infinity)', () => {
    let now = 0;
    const buckets = new InProcessTokenBuckets({ burst: Infinity, perSecond: Infinity }, () => now);
    for (let i = 0; i < 100; i++) {
      expect(buckets.take('a').ok).toBe(true);
      now += i % 2;
    }
  });
});
