import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { tempDataDir } from './support/relay-harness.js';
import { bytes, deviceKeys, ignore, storeEvents } from './support/store.js';

/**
 * A committed entry whose WAL sync is still running is not readable for pushing (decision 0103):
 * otherwise a power loss could take back an entry a device already has. The window between
 * COMMIT and the end of the sync is caught by watching the file through a second connection:
 * the store only learns of the sync's end in a later callback, so a synchronous read in the
 * same turn must not see the entry yet.
 */
describe('mailbox reads', () => {
  const data = tempDataDir();
  let store: SqliteStore;
  afterEach(async () => {
    await store.close();
    data.remove();
  });

  it('return only entries whose commit is durable', async () => {
    const path = join(data.dir, 'relay.sqlite');
    store = new SqliteStore(path, storeEvents);
    const account = (username: string) =>
      store.createAccount({
        username,
        identityKey: bytes(33),
        device: deviceKeys,
        secretHash: 'x',
      });
    const [alice, bob] = [await account('a'), await account('b')];
    const observer = new Database(path, { readonly: true });
    const committed = observer.prepare('SELECT count(*) AS n FROM mailbox WHERE client_id = ?');
    let caught = 0;
    try {
      for (let attempt = 0; attempt < 50 && caught < 3; attempt++) {
        const clientId = `m${attempt}`;
        let durable = false;
        const entries = [{ destination: bob, type: 1, content: bytes(10) }];
        const sent = store
          .commitSend({ source: alice, clientId, entries }, () => bytes(1), ignore)
          .then(() => (durable = true));
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
function readNow(store: SqliteStore, device: Parameters<SqliteStore['readMailbox']>[0]) {
  return store.readMailbox(device, 0, 1000);
}
