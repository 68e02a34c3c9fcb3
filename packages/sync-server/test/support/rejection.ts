import { expect } from 'vitest';

/** The error a promise rejects with; fails the test if it resolves. */
export function rejection<E = Error>(promise: Promise<unknown>): Promise<E> {
  return promise.then(
    () => expect.fail('expected a rejection, but it succeeded'),
    (error: unknown) => error as E,
  );
}
