import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { newClientId } from '@parley/protocol';
import { SENDS_PURGE_CHUNK } from '../src/store/sends-purger.js';
import { dialect } from './support/database.js';
import { openStoreFixture, openTestStore, type StoreFixture } from './support/store.js';

/**
 * The idempotency records (`sends`) keyed by client id first (decision 0156): an older
 * database is re-keyed at start with its records and their order; a removed device's records
 * are purged range by range (the table has no index by device), also after a crash.
 */
describe('idempotency records keyed by client id', () => {
  let fixture: StoreFixture;
  afterEach(() => fixture.close());

  it("re-keys an older database's records, keeping them and their insertion order", async () => {
    fixture = await openStoreFixture();
    const { alice, bob, send } = fixture;
    for (const id of ['c', 'gone', 'a', 'b']) await send(alice, bob, id);
    await fixture.store.close();
    // A gap in the insertion order, as retention leaves them.
    await sql(fixture, `DELETE FROM sends WHERE client_id = 'gone'`);
    await sql(fixture, oldKey[dialect]);
    const before = await recordsInOrder(fixture);
    expect(before.map((r) => r.client_id)).toEqual(['c', 'a', 'b']);
    expect(await firstKeyColumn(fixture)).toBe('source_device_row_id');

    fixture.store = (await openTestStore(fixture.url, { alice, bob })).store;

    expect(await firstKeyColumn(fixture)).toBe('client_id');
    expect(await recordsInOrder(fixture)).toEqual(before);
    expect((await fixture.send(alice, bob, 'a')).duplicate).toBe(true);
    expect((await fixture.send(alice, bob, 'd')).duplicate).toBe(false);
  });

  it("purges a deleted account's records across ranges and keeps everyone else's", async () => {
    fixture = await openStoreFixture();
    const { store, alice, bob, send } = fixture;
    // More than two purge ranges of records, the two devices' interleaved, alice's first.
    await sql(fixture, manySends(alice.rowId, bob.rowId, SENDS_PURGE_CHUNK + 5_000));
    await send(alice, bob, newClientId());
    const before = await sendsBySource(fixture);
    expect(before.get(alice.rowId)).toBe(SENDS_PURGE_CHUNK + 5_001);

    await store.deleteAccount(alice.accountId);
    await store.purgeRemovedDevices();

    const after = await sendsBySource(fixture);
    expect(after.get(alice.rowId)).toBeUndefined();
    expect(after.get(bob.rowId)).toBe(before.get(bob.rowId));
    expect(await query(fixture, 'SELECT row_id FROM purged_devices')).toEqual([]);
  });

  it('purges after a restart the records of a removal a crash cut short', async () => {
    fixture = await openStoreFixture();
    const { alice, bob, send } = fixture;
    await send(alice, bob, newClientId());
    await send(bob, alice, newClientId());
    await fixture.store.close();
    // Alice's removal committed and noted her device; the process died before the purge.
    await sql(fixture, `INSERT INTO purged_devices (row_id) VALUES (${alice.rowId})`);

    fixture.store = (await openTestStore(fixture.url, { alice, bob })).store;
    await fixture.store.purgeRemovedDevices();

    const left = await sendsBySource(fixture);
    expect(left.get(alice.rowId)).toBeUndefined();
    expect(left.get(bob.rowId)).toBe(1);
    expect(await query(fixture, 'SELECT row_id FROM purged_devices')).toEqual([]);
  });
});

/** Statements putting `sends` back under the key it had before 0156. */
const oldKey = {
  sqlite: `
    CREATE TABLE sends_old (source_device_row_id bigint NOT NULL, client_id text NOT NULL,
      created_at bigint NOT NULL, result blob NOT NULL,
      CONSTRAINT sends_pk PRIMARY KEY (source_device_row_id, client_id));
    INSERT INTO sends_old (rowid, source_device_row_id, client_id, created_at, result)
      SELECT rowid, source_device_row_id, client_id, created_at, result FROM sends;
    DROP TABLE sends;
    ALTER TABLE sends_old RENAME TO sends;`,
  postgres: `ALTER TABLE sends DROP CONSTRAINT sends_pk,
    ADD CONSTRAINT sends_pk PRIMARY KEY (source_device_row_id, client_id)`,
};

/** `count` records alternating between two source devices, in one statement. */
function manySends(first: number, second: number, count: number): string {
  const series =
    dialect === 'sqlite'
      ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count * 2})
         SELECT i FROM n`
      : `SELECT generate_series(1, ${count * 2}) AS i`;
  return `INSERT INTO sends (source_device_row_id, client_id, created_at, result)
    SELECT CASE WHEN i % 2 = 1 THEN ${first} ELSE ${second} END, 'bulk-' || i, 0, ${
      dialect === 'sqlite' ? "x'00'" : "'\\x00'::bytea"
    } FROM (${series}) AS s`;
}

async function firstKeyColumn(fixture: StoreFixture): Promise<string> {
  const [row] = await query<{ name: string }>(
    fixture,
    dialect === 'sqlite'
      ? `SELECT ii.name FROM pragma_index_list('sends') il, pragma_index_info(il.name) ii
         WHERE il.origin = 'pk' AND ii.seqno = 0`
      : `SELECT a.attname AS name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
         WHERE i.indrelid = 'sends'::regclass AND i.indisprimary`,
  );
  return row!.name;
}

/** Each record's insertion order and client id, in that order. */
async function recordsInOrder(fixture: StoreFixture): Promise<{ n: number; client_id: string }[]> {
  const order = dialect === 'sqlite' ? 'rowid' : 'seq';
  const rows = await query<{ n: number; client_id: string }>(
    fixture,
    `SELECT ${order} AS n, client_id FROM sends ORDER BY ${order}`,
  );
  return rows.map((row) => ({ n: Number(row.n), client_id: row.client_id }));
}

async function sendsBySource(fixture: StoreFixture): Promise<Map<number, number>> {
  const rows = await query<{ source: number; n: number }>(
    fixture,
    `SELECT source_device_row_id AS source, count(*) AS n FROM sends GROUP BY source_device_row_id`,
  );
  return new Map(rows.map((row) => [Number(row.source), Number(row.n)]));
}

async function sql(fixture: StoreFixture, statements: string): Promise<void> {
  await query(fixture, statements);
}

/** Runs SQL on a connection of its own, beside the store's. */
async function query<R>(fixture: StoreFixture, statement: string): Promise<R[]> {
  if (fixture.path) {
    const db = new Database(fixture.path);
    try {
      if (!/^\s*SELECT/i.test(statement)) {
        db.exec(statement);
        return [];
      }
      return db.prepare(statement).all() as R[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: fixture.url });
  await client.connect();
  try {
    return (await client.query(statement)).rows as R[];
  } finally {
    await client.end();
  }
}
