import { describe, expect, it } from 'vitest';
import { rowAt } from '../../src/chats/use-virtual-rows.js';

/** Row starts of rows 10, 20 and 30 px tall (the last entry is the list's total height). */
const starts = Float64Array.from([0, 10, 30, 60]);

describe('the chat list window', () => {
  it('finds the row covering an offset, edges included', () => {
    expect(rowAt(starts, 0)).toBe(0);
    expect(rowAt(starts, 9.5)).toBe(0);
    expect(rowAt(starts, 10)).toBe(1);
    expect(rowAt(starts, 29)).toBe(1);
    expect(rowAt(starts, 30)).toBe(2);
  });

  it('clamps offsets above and below the list to its first and last row', () => {
    expect(rowAt(starts, -200)).toBe(0);
    expect(rowAt(starts, 60)).toBe(2);
    expect(rowAt(starts, 10_000)).toBe(2);
  });

  it('an empty list stays at 0 (useVirtualRows clamps the last row to count - 1)', () => {
    expect(rowAt(Float64Array.from([0]), 100)).toBe(0);
  });
});
