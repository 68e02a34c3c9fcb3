import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { DeviceKeys, DeviceRef, SendOutcome } from '../../src/store/records.js';
import { tempDataDir } from './relay-harness.js';

/** Fixtures for tests that drive a SqliteStore directly (no relay, no sockets). */

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
};

export interface StoreFixture {
  store: SqliteStore;
  /** The database file (for a second, observing connection). */
  path: string;
  alice: DeviceRef;
  bob: DeviceRef;
  /** One 10-byte entry from `from` to `to`; resolves once durable. */
  send(from: DeviceRef, to: DeviceRef, clientId: string): Promise<SendOutcome>;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

/** A SqliteStore on a new file in its own temporary directory, with two one-device accounts. */
export async function openStoreFixture(): Promise<StoreFixture> {
  const data = tempDataDir();
  const path = join(data.dir, 'relay.sqlite');
  const store = new SqliteStore(path, storeEvents);
  const account = (username: string) =>
    store.createAccount({ username, identityKey: bytes(33), device: deviceKeys, secretHash: 'x' });
  const [alice, bob] = [await account('a'), await account('b')];
  return {
    store,
    path,
    alice,
    bob,
    send: (from, to, clientId) => {
      const entries = [{ destination: to, type: 1, content: bytes(10) }];
      return store.commitSend({ source: from, clientId, entries }, () => bytes(1), ignore);
    },
    async close() {
      await store.close();
      data.remove();
    },
  };
}
