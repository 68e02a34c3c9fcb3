import { afterEach, describe, expect, it } from 'vitest';
import {
  bytes,
  ignore,
  openStoreFixture,
  type StoreFixture,
  type TestStore,
} from './support/store.js';

/**
 * Mailbox reads see what a device may be sent: durable entries it has not acked (on both
 * dialects; the SQLite-only window between COMMIT and WAL sync is in wal-sync-reads.test.ts).
 */
describe('mailbox reads', () => {
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it('skip entries acked in a commit still to come', async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob, send } = fixture;
    for (let i = 0; i < 5; i++) await send(alice, bob, `m${i}`);
    const entries = await store.readMailbox(bob, 0, 3);
    // The delete is queued for the next group commit; a read in the same turn must not see
    // the acked entries, and still fills its page from the ones after them.
    store.acknowledge(bob, [entries[0]!.serverId, entries[1]!.serverId]);
    const page = await readNow(store, bob);
    expect(page.map((e) => e.clientId)).toEqual(['m2', 'm3', 'm4']);
    const limited = await store.readMailbox(bob, 0, 2);
    expect(limited.map((e) => e.clientId)).toEqual(['m2', 'm3']);
    await store.flush();
    expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual([
      'm2',
      'm3',
      'm4',
    ]);
    expect(store.totalMailboxEntries()).toBe(3);
  });

  it('show entries again when the batch holding their ack rolls back', async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob, send } = fixture;
    for (let i = 0; i < 3; i++) await send(alice, bob, `m${i}`);
    const [first, second] = await store.readMailbox(bob, 0, 10);
    // A job that throws outside a savepoint (as an I/O error would) rolls back the whole
    // batch, the ack queued behind it included: the ack is lost, the entry must come back.
    const failing = store.commitSend(
      {
        source: alice,
        clientId: 'boom',
        entries: [{ destination: bob, type: 1, content: bytes(3) }],
      },
      () => {
        throw new Error('disk I/O error');
      },
      ignore,
    );
    store.acknowledge(bob, [first!.serverId]);
    await expect(failing).rejects.toThrow('disk I/O error');
    expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual([
      'm0',
      'm1',
      'm2',
    ]);
    expect(store.totalMailboxEntries()).toBe(3);
    // Later acks still take effect, and leave nothing behind in the read filter.
    store.acknowledge(bob, [first!.serverId, second!.serverId]);
    await store.flush();
    expect((await store.readMailbox(bob, 0, 10)).map((e) => e.clientId)).toEqual(['m2']);
    expect(store.totalMailboxEntries()).toBe(1);
  });
});

/** On SQLite readMailbox runs its query synchronously before returning its promise. */
function readNow(store: TestStore, device: Parameters<TestStore['readMailbox']>[0]) {
  return store.readMailbox(device, 0, 1000);
}
