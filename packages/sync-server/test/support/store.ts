import { sqlitePath } from '../../src/config.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { DeviceKeys, DeviceRef, SendOutcome } from '../../src/store/records.js';
import type { RelayStore } from '../../src/store/relay-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { dialect, freshDatabase } from './database.js';
import { tempDataDir } from './relay-harness.js';

/**
 * Fixtures for tests that drive a store directly (no relay, no sockets): a SqliteStore or a
 * PostgresStore, whichever the run's dialect is (support/database.ts).
 */

export type TestStore = RelayStore & { mailboxCap: number };

export const bytes = (n: number) => new Uint8Array(n).fill(7);

export const deviceKeys: DeviceKeys = {
  registrationId: 1,
  name: null,
  signedPreKey: { keyId: 1, publicKey: bytes(33), signature: bytes(64) },
  lastResortKyberPreKey: { keyId: 2, publicKey: bytes(1569), signature: bytes(64) },
  oneTimePreKeys: [],
  kyberOneTimePreKeys: [],
};

export const ignore = () => undefined;

export const storeEvents = {
  committed: ignore,
  commitFailed: ignore,
  hookFailed: ignore,
  syncFailed: ignore,
  checkpointFailed: ignore,
  purgeFailed: ignore,
};

export interface StoreFixture {
  store: TestStore;
  /** SQLite only: the database file (for a second, observing connection). */
  path: string | undefined;
  /** The database's URL, either dialect (for a raw connection, or a second store). */
  url: string;
  alice: DeviceRef;
  bob: DeviceRef;
  /** One 10-byte entry from `from` to `to`; resolves once durable. */
  send(from: DeviceRef, to: DeviceRef, clientId: string): Promise<SendOutcome>;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

/**
 * A store on `url` (either dialect); with `accounts`, those of an earlier store on the same
 * database, otherwise two new one-device accounts.
 */
export async function openTestStore(
  url: string,
  accounts?: { alice: DeviceRef; bob: DeviceRef },
): Promise<{ store: TestStore; alice: DeviceRef; bob: DeviceRef }> {
  const path = dialect === 'sqlite' ? sqlitePath(url) : undefined;
  const store: TestStore = path
    ? new SqliteStore(path, storeEvents)
    : await PostgresStore.open(url, storeEvents);
  if (accounts) return { store, ...accounts };
  const account = (username: string) =>
    store.createAccount({ username, identityKey: bytes(33), device: deviceKeys, secretHash: 'x' });
  return { store, alice: await account('a'), bob: await account('b') };
}

/** A store on a fresh database of the run's dialect, with two one-device accounts. */
export async function openStoreFixture(): Promise<StoreFixture> {
  const data = tempDataDir();
  const database = await freshDatabase(data.dir);
  const path = dialect === 'sqlite' ? sqlitePath(database.url) : undefined;
  const { store, alice, bob } = await openTestStore(database.url);
  // send() and close() use the fixture's store as it is then: a test may reopen it.
  const fixture: StoreFixture = {
    store,
    path,
    url: database.url,
    alice,
    bob,
    send: (from, to, clientId) => {
      const entries = [{ destination: to, type: 1, content: bytes(10) }];
      return fixture.store.commitSend({ source: from, clientId, entries }, () => bytes(1), ignore);
    },
    async close() {
      await fixture.store.close();
      await database.drop();
      data.remove();
    },
  };
  return fixture;
}
