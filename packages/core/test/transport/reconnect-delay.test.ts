import { describe, expect, it } from 'vitest';
import {
  RECONNECT_INITIAL_MS,
  RECONNECT_MAX_MS,
  reconnectDelay,
} from '../../src/transport/relay-connection.js';

describe('reconnect backoff', () => {
  it('grows exponentially up to the cap', () => {
    const caps = [0, 1, 2, 3, 10, 50].map((attempt) => reconnectDelay(attempt, 1));
    expect(caps.slice(0, 4)).toEqual([1, 2, 4, 8].map((f) => f * RECONNECT_INITIAL_MS));
    expect(caps[4]).toBe(RECONNECT_MAX_MS);
    expect(caps[5]).toBe(RECONNECT_MAX_MS);
  });

  it('spreads clients over the whole window (full jitter)', () => {
    expect(reconnectDelay(5, 0)).toBe(0);
    expect(reconnectDelay(5, 0.5)).toBe(
      0.5 * Math.min(RECONNECT_MAX_MS, RECONNECT_INITIAL_MS * 32),
    );
  });
});
