/** Assertion shared by the unit tests that check libsignal's error kind for bad input. */
import { expect } from 'vitest';
import { ErrorCode, LibSignalErrorBase } from '../../src/error.js';

/** `fn` must throw a LibSignalErrorBase of code Generic whose message matches `message`. */
export function expectGenericError(fn: () => unknown, message?: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (err) {
    expect(LibSignalErrorBase.is(err, ErrorCode.Generic)).toBe(true);
    if (message !== undefined) expect((err as Error).message).toMatch(message);
  }
}
