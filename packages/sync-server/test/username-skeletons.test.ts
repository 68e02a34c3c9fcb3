import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@parley/protocol';
import { sqlitePath } from '../src/config.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { dialect, freshDatabase } from './support/database.js';
import { tempDataDir } from './support/relay-harness.js';
import { bytes, deviceKeys, storeEvents, type TestStore } from './support/store.js';

/** Look-alike usernames (docs/relay-api.md, "Identifiers"), on the run's dialect. */
describe('username skeletons', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function database(): Promise<string> {
    const data = tempDataDir();
    const db = await freshDatabase(data.dir);
    cleanups.push(data.remove, () => db.drop());
    return db.url;
  }

  async function open(url: string): Promise<TestStore> {
    const store =
      dialect === 'sqlite'
        ? new SqliteStore(sqlitePath(url), storeEvents)
        : await PostgresStore.open(url, storeEvents);
    cleanups.push(() => store.close());
    return store;
  }

  /** Runs SQL beside the store, as an operator would. */
  async function execute(url: string, statement: string): Promise<void> {
    if (dialect === 'sqlite') {
      const db = new Database(sqlitePath(url));
      db.exec(statement);
      db.close();
      return;
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(statement);
    await client.end();
  }

  const register = (store: TestStore, username: string) =>
    store.createAccount({ username, identityKey: bytes(33), device: deviceKeys, secretHash: 'x' });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'registered',
      (error: { code?: ErrorCode }) => error.code,
    );

  it('refuses look-alikes of a registered name and keeps different names free', async () => {
    const store = await open(await database());
    await register(store, 'alice');
    for (const lookAlike of ['alice', 'alice.', 'alice_', 'a.lice', 'a1ice', 'aiice']) {
      expect(await refusal(register(store, lookAlike)), lookAlike).toBe(ErrorCode.USERNAME_TAKEN);
    }
    expect(await refusal(register(store, 'alicia'))).toBe('registered');
    expect(await store.accountIdByUsername('a1ice')).toBeUndefined();
  });

  it('claims the skeletons of accounts registered before skeletons were stored', async () => {
    const url = await database();
    const first = await open(url);
    const martin = await register(first, 'martin');
    await first.close();
    await execute(url, 'DELETE FROM username_skeletons');

    const reopened = await open(url);
    expect(await refusal(register(reopened, 'rnartin'))).toBe(ErrorCode.USERNAME_TAKEN);
    expect(await reopened.accountIdByUsername('martin')).toBe(martin.accountId);
  });
});
