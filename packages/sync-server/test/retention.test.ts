import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStoreFixture, type StoreFixture } from './support/store.js';

/** Retention on a real SQLite file: the store's sweep, with a cutoff between two groups of sends. */
describe('retention sweep', () => {
  let fixture: StoreFixture;
  afterEach(() => {
    vi.useRealTimers();
    return fixture.close();
  });

  it('deletes expired entries and idempotency records in chunks and keeps the rest', async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob, send } = fixture;
    // More than two chunks of old sends, then a few new ones a moment later.
    // The store's clock is set, not waited for: the old at t, the cutoff at t + 1 s, the new at t + 2 s.
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = Date.now();
    const old = Array.from({ length: 2_300 }, (_, i) => send(alice, bob, `old-${i}`));
    await Promise.all(old);
    const cutoff = t + 1_000;
    vi.setSystemTime(t + 2_000);
    for (let i = 0; i < 10; i++) await send(alice, bob, `new-${i}`);
    expect(store.totalMailboxEntries()).toBe(2_310);

    expect(await store.pruneExpired(cutoff)).toBe(2_300);

    expect(store.totalMailboxEntries()).toBe(10);
    const left = await store.readMailbox(bob, 0, 100);
    expect(left.map((e) => e.clientId)).toEqual(Array.from({ length: 10 }, (_, i) => `new-${i}`));
    // A retry of a kept send is still recognized; an expired one's record is gone.
    expect((await send(alice, bob, 'new-3')).duplicate).toBe(true);
    expect((await send(alice, bob, 'old-3')).duplicate).toBe(false);
    // A second sweep finds nothing more to delete.
    expect(await store.pruneExpired(cutoff)).toBe(0);
  });

  it('steps over rows stamped by a clock that was ahead instead of stalling', async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob, send } = fixture;
    // More than a chunk of the oldest rows carry a time 60 days ahead.
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = Date.now();
    vi.setSystemTime(t + 60 * 86_400_000);
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => send(alice, bob, `ahead-${i}`)));
    // Then the old at t, the cutoff at t + 1 s, the new at t + 2 s.
    vi.setSystemTime(t);
    await Promise.all(Array.from({ length: 1_500 }, (_, i) => send(alice, bob, `old-${i}`)));
    const cutoff = t + 1_000;
    vi.setSystemTime(t + 2_000);
    await send(alice, bob, 'new');

    expect(await store.pruneExpired(cutoff)).toBe(1_500);
    expect(store.totalMailboxEntries()).toBe(1_201);
  });

  it('stops between chunks when asked to', async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob, send } = fixture;
    await Promise.all(Array.from({ length: 2_500 }, (_, i) => send(alice, bob, `old-${i}`)));
    let chunks = 0;
    expect(await store.pruneExpired(Date.now() + 1, () => chunks++ >= 1)).toBe(1_000);
    expect(store.totalMailboxEntries()).toBe(1_500);
  });
});
