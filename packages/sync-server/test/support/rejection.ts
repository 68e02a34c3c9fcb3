import { expect } from 'vitest';
import { RelayError } from '../../src/errors.js';

/** The error a promise rejects with; fails the test if it resolves. */
export function rejection<E = Error>(promise: Promise<unknown>): Promise<E> {
  return promise.then(
    () => expect.fail('expected a rejection, but it succeeded'),
    (error: unknown) => error as E,
  );
}

/** The RelayError `check` throws synchronously; fails the test if it throws nothing. */
export function refusal(check: () => unknown): RelayError {
  try {
    check();
  } catch (error) {
    if (error instanceof RelayError) return error;
    throw error;
  }
  return expect.fail('expected a RelayError, but nothing was thrown');
}
