import { describe, expect, it } from 'vitest';
import { remainingTtl } from '../../src/delivery/time-to-live.js';

describe("an outbox row's time to live", () => {
  const row = { createdAt: 10_000, ttlSeconds: 60 };

  it('counts down from the row creation, in whole seconds rounded up', () => {
    expect(remainingTtl(row, 10_000)).toBe(60);
    expect(remainingTtl(row, 10_001)).toBe(60);
    expect(remainingTtl(row, 11_000)).toBe(59);
    expect(remainingTtl(row, 69_999)).toBe(1);
    // A clock that went back never asks for more than the row's own time to live.
    expect(remainingTtl(row, 0)).toBe(60);
  });

  it('is 0 once it ran out (the row is dropped unsent), and absent without one', () => {
    expect(remainingTtl(row, 70_000)).toBe(0);
    expect(remainingTtl(row, 500_000)).toBe(0);
    expect(remainingTtl({ createdAt: 10_000 }, 500_000)).toBeUndefined();
  });
});
