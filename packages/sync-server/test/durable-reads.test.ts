import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { bytes, ignore, openStoreFixture, type StoreFixture } from './support/store.js';

/**
 * Mailbox reads see what a device may be sent: durable entries it has not acked.
 *
 * A committed entry whose WAL sync is still running is not readable for pushing (decision 0103):
 * otherwise a power loss could take back an entry a device already has. The window between
 * COMMIT and the end of the sync is caught by watching the file through a second connection:
 * the store only learns of the sync's end in a later callback, so a synchronous read in the
 * same turn must not see the entry yet.
 */
describe('mailbox reads', () => {
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it('return only entries whose commit is durable', async () => {
    fixture = await openStoreFixture();
    const { store, path, alice, bob, send } = fixture;
    const observer = new Database(path, { readonly: true });
    const committed = observer.prepare('SELECT count(*) AS n FROM mailbox WHERE client_id = ?');
    let caught = 0;
    try {
      for (let attempt = 0; attempt < 50 && caught < 3; attempt++) {
        const clientId = `m${attempt}`;
        let durable = false;
        const sent = send(alice, bob, clientId).then(() => (durable = true));
        while (!durable) {
          const { n } = committed.get(clientId) as { n: number };
          if (n === 1 && !durable) {
            // Committed, not yet known durable: invisible to the push path.
            const page = await readNow(store, bob);
            expect(page.map((e) => e.clientId)).not.toContain(clientId);
            caught++;
            break;
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        await sent;
        const page = await store.readMailbox(bob, 0, 1000);
        expect(page.map((e) => e.clientId)).toContain(clientId);
      }
    } finally {
      observer.close();
    }
    expect(caught).toBeGreaterThan(0);
  });

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

/** readMailbox runs its query synchronously before returning its promise. */
function readNow(store: SqliteStore, device: Parameters<SqliteStore['readMailbox']>[0]) {
  return store.readMailbox(device, 0, 1000);
}
