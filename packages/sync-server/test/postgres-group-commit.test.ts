import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PgGroupCommitter } from '../src/store/postgres/group-commit.js';
import { createPool } from '../src/store/postgres/pool.js';
import { freshDatabase } from './support/database.js';
import { tempDataDir } from './support/relay-harness.js';
import { storeEvents } from './support/store.js';

/**
 * Decision 0163: the PostgreSQL group commit on a pipelined pool. A batch holding only a
 * single-statement job (the acks of a receiving process) commits it as its own transaction,
 * without BEGIN and COMMIT; in company it joins the batch's transaction. Every statement the
 * pool's connections are given is recorded (the real pool and server, nothing stands in).
 */
describe('PgGroupCommitter', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ pool: pg.Pool; committer: PgGroupCommitter; sent: string[] }> {
    const data = tempDataDir();
    const db = await freshDatabase(data.dir);
    cleanups.push(data.remove, () => db.drop());
    const pool = createPool(db.url);
    cleanups.push(() => pool.end());
    const sent: string[] = [];
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (
        config: string | { text: string },
        ...rest: unknown[]
      ) => {
        sent.push(typeof config === 'string' ? config : config.text);
        return query(config, ...rest);
      };
    });
    await pool.query('CREATE TABLE t (n integer CHECK (n >= 0))');
    sent.length = 0;
    return { pool, committer: new PgGroupCommitter(pool, storeEvents), sent };
  }

  const insert = (n: number) => (tx: pg.PoolClient) =>
    tx.query('INSERT INTO t VALUES ($1)', [n]).then(() => n);

  const count = async (pool: pg.Pool) =>
    (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n;

  it('commits a single-statement job alone in one round trip, and durably', async () => {
    const { pool, committer, sent } = await setUp();
    const committed: number[] = [];
    await expect(committer.runStatement(insert(1), (n) => committed.push(n))).resolves.toBe(1);
    expect(sent).toEqual(['INSERT INTO t VALUES ($1)']);
    expect(committed).toEqual([1]);
    expect(await count(pool)).toBe(1);
  });

  it('puts it in the batch transaction when other jobs share the batch', async () => {
    const { pool, committer, sent } = await setUp();
    await Promise.all([committer.runInfallible(insert(1)), committer.runStatement(insert(2))]);
    expect(sent).toEqual([
      'BEGIN',
      'INSERT INTO t VALUES ($1)',
      'INSERT INTO t VALUES ($1)',
      'COMMIT',
    ]);
    expect(await count(pool)).toBe(2);
    // A failing statement in company rolls the whole batch back (BEGIN went out pipelined).
    const results = await Promise.allSettled([
      committer.runInfallible(insert(3)),
      committer.runStatement(insert(-1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await count(pool)).toBe(2);
  });

  it("sends a batch's BEGIN and its first job's first statements in one write", async () => {
    const { pool, committer } = await setUp();
    const writes: number[] = [];
    const twoStatements = (tx: pg.PoolClient) => {
      // Counts the socket's flushes from here on (one per system call).
      const socket = tx.connection.stream as unknown as Record<string, (...a: unknown[]) => void>;
      for (const name of ['_write', '_writev']) {
        const original = socket[name]!.bind(socket);
        socket[name] = (...args: unknown[]) => {
          writes.push(writes.length);
          original(...args);
        };
      }
      return Promise.all([insert(1)(tx), insert(2)(tx)]);
    };
    await committer.runInfallible(twoStatements);
    // BEGIN with both INSERTs, then COMMIT.
    expect(writes).toHaveLength(2);
    expect(await count(pool)).toBe(2);
  });

  it('rejects a failing single-statement job alone and goes on with the next batch', async () => {
    const { pool, committer } = await setUp();
    await expect(committer.runStatement(insert(-1))).rejects.toThrow(/check constraint/);
    await expect(committer.runStatement(insert(4))).resolves.toBe(4);
    expect(await count(pool)).toBe(1);
  });
});
