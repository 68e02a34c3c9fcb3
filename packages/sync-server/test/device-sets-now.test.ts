import { afterEach, describe, expect, it } from 'vitest';
import { dialect } from './support/database.js';
import { openStoreFixture, type StoreFixture } from './support/store.js';

/**
 * The send's hot path reads device sets without a promise when the store can answer at once
 * (decision 0154). SQLite always can (its reads are synchronous). PostgreSQL can only from its
 * cache, and never while an earlier load runs: a send answered at once would then overtake an
 * earlier send of the same socket still waiting for its sets.
 */
describe('deviceSetsNow', () => {
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it.runIf(dialect === 'sqlite')('answers at once, loading a set not cached', async () => {
    fixture = await openStoreFixture();
    const { store, alice } = fixture;
    expect([...store.deviceSetsNow([alice.accountId])!.get(alice.accountId)!.keys()]).toEqual([1]);
  });

  it.runIf(dialect === 'postgres')(
    'answers from the cache only, and not while a load is running',
    async () => {
      fixture = await openStoreFixture();
      const { store, alice, bob } = fixture;
      const cold = 'no-such-account';
      expect(store.deviceSetsNow([cold])).toBeUndefined();

      await store.deviceSets([alice.accountId]);
      expect(store.deviceSetsNow([alice.accountId])!.has(alice.accountId)).toBe(true);

      const loading = store.deviceSets([bob.accountId, cold]);
      expect(store.deviceSetsNow([alice.accountId])).toBeUndefined();
      await loading;
      expect(store.deviceSetsNow([alice.accountId, bob.accountId])!.size).toBe(2);
    },
  );
});
