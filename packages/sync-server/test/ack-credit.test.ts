import { expect, it } from 'vitest';
import { creditedIds } from '../src/ws/device-connection.js';

/** An ack deletes at most as many entries as the socket was sent (its credit), valid ids only. */
it('passes an ack within credit on as decoded, with no copy', () => {
  const ids = [1, 2, Number.MAX_SAFE_INTEGER];
  expect(creditedIds(ids, 3)).toBe(ids);
});

it('keeps the first ids up to the credit', () => {
  expect(creditedIds([5, 6, 7, 8], 2)).toEqual([5, 6]);
  expect(creditedIds([5], 0)).toEqual([]);
});

it('drops ids that cannot name an entry, and counts only valid ones against the credit', () => {
  expect(creditedIds([0, 4, -1, Number.MAX_SAFE_INTEGER + 2, 9, 10], 2)).toEqual([4, 9]);
  expect(creditedIds([0, 4, Number.MAX_SAFE_INTEGER + 2], 10)).toEqual([4]);
});
