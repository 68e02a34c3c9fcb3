import { describe, expect, it } from 'vitest';
import { appendAll, UnitOfWork } from '../../src/store/unit-of-work.js';

/**
 * A compaction of a long update log deletes every row it covers in one unit of work: more rows
 * than a spread call can pass as arguments (about 125,000 in Node).
 */
describe('UnitOfWork', () => {
  const many = Array.from({ length: 200_000 }, (_, i) => i + 1);

  it('appends more items than a call can take as arguments', () => {
    const target = [0];
    appendAll(target, many);
    expect(target.length).toBe(200_001);
    expect(target.at(-1)).toBe(200_000);
  });

  it('absorbs a unit holding that many deletions', () => {
    const big = new UnitOfWork();
    appendAll(big.deletedDocUpdates, many);
    const work = new UnitOfWork();
    work.absorb(big);
    expect(work.deletedDocUpdates.length).toBe(200_000);
  });
});
