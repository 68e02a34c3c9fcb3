import { describe, expect, it } from 'vitest';
import { ParleyDatabase } from '../../src/store/database.js';
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

/**
 * Whether a browser flushed to disk cannot be observed here; fake-indexeddb (standing in for the
 * browser's IndexedDB) records the durability each transaction was opened with.
 */
describe('UnitOfWork durability', () => {
  async function durabilityOf(commit: (db: ParleyDatabase, work: UnitOfWork) => Promise<void>) {
    const db = new ParleyDatabase(`durability-${crypto.randomUUID()}`);
    await db.open();
    const backend = db.backendDB();
    const open = backend.transaction.bind(backend);
    const seen: string[] = [];
    backend.transaction = ((...args: Parameters<typeof open>) => {
      const transaction = open(...args);
      seen.push((transaction as unknown as { durability: string }).durability);
      return transaction;
    }) as typeof open;
    const work = new UnitOfWork();
    work.processed.push({ envelopeId: 'a.1/key', at: 1 });
    await commit(db, work);
    db.close();
    return seen;
  }

  it('commits strictly unless the caller says the writes may be lost', async () => {
    expect(await durabilityOf((db, work) => work.commit(db))).toEqual(['strict']);
    expect(await durabilityOf((db, work) => work.commit(db, 'relaxed'))).toEqual(['relaxed']);
  });
});
