import pg from 'pg';
import { vi } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { DeviceRef } from '../../src/store/records.js';
import { freshDatabase } from './database.js';
import { tempDataDir } from './relay-harness.js';
import { deviceKeys, storeEvents } from './store.js';

/**
 * A PostgreSQL store in a fresh database with two accounts (a and b), and from then on every
 * parameter its connections hand the server (node-postgres's `Client.query`, spied: restore
 * with `vi.restoreAllMocks()`). For tests of what the store sends PostgreSQL (0164, 0166).
 */
export async function storeRecordingParameters(cleanups: (() => Promise<void> | void)[]): Promise<{
  store: PostgresStore;
  alice: DeviceRef;
  bob: DeviceRef;
  params: unknown[];
}> {
  const data = tempDataDir();
  const db = await freshDatabase(data.dir);
  cleanups.push(data.remove, () => db.drop());
  const store = await PostgresStore.open(db.url, storeEvents);
  cleanups.push(() => store.close());
  const account = (username: string) =>
    store.createAccount({
      username,
      identityKey: new Uint8Array(33),
      device: deviceKeys,
      secretHash: 'x',
    });
  const [alice, bob] = [await account('a'), await account('b')];
  await store.flush();

  const params: unknown[] = [];
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const values = (args[0] as { values?: unknown[] }).values ?? (args[1] as unknown[]);
    if (Array.isArray(values)) params.push(...values);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  return { store, alice, bob, params };
}
