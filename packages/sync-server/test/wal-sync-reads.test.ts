import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayStore } from '../src/store/relay-store.js';
import { openStoreFixture, type StoreFixture } from './support/store.js';

/**
 * SQLite only (vitest.config.ts): a committed entry whose WAL sync is still running is not
 * readable for pushing (decision 0103): otherwise a power loss could take back an entry a device
 * already has. The window between COMMIT and the end of the sync is caught by watching the file
 * through a second connection: the store only learns of the sync's end in a later callback, so
 * a synchronous read in the same turn must not see the entry yet. (PostgreSQL makes a
 * transaction visible only once its commit record is flushed: it has no such window.)
 */
describe('mailbox reads on SQLite', () => {
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it('return only entries whose commit is durable', async () => {
    fixture = await openStoreFixture();
    const { store, path, alice, bob, send } = fixture;
    const observer = new Database(path!, { readonly: true });
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
});

/** readMailbox runs its query synchronously before returning its promise. */
function readNow(store: RelayStore, device: Parameters<RelayStore['readMailbox']>[0]) {
  return store.readMailbox(device, 0, 1000);
}
