import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { arrayParameter } from '../src/store/postgres/array-parameter.js';
import { freshDatabase } from './support/database.js';
import { storeRecordingParameters } from './support/pg-parameters.js';
import { tempDataDir } from './support/relay-harness.js';
import { ignore } from './support/store.js';

/**
 * Decision 0166: array parameters reach PostgreSQL as array literals made in one join, not as
 * JS arrays that node-postgres converts element by element. The server is real: what it parses
 * back must be exactly what was sent.
 */
describe('array parameters (postgres)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function client(): Promise<pg.Client> {
    const data = tempDataDir();
    const db = await freshDatabase(data.dir);
    const connection = new pg.Client({ connectionString: db.url });
    await connection.connect();
    cleanups.push(
      data.remove,
      () => db.drop(),
      () => connection.end(),
    );
    return connection;
  }

  it('makes numbers and plain strings one literal, and leaves other arrays to node-postgres', () => {
    expect(arrayParameter([1, 22, -3])).toBe('{1,22,-3}');
    expect(arrayParameter(['a', 'b c'])).toBe('{"a","b c"}');
    expect(arrayParameter([])).toBe('{}');
    expect(arrayParameter([null, 4])).toBe('{NULL,4}');
    const others = [[Buffer.from('x')], [[1]], [1, 'a'], [Number.NaN], [true]];
    for (const values of others) expect(arrayParameter(values)).toBe(values);
  });

  it('round-trips strings that array literals treat specially, and NULLs', async () => {
    const db = await client();
    const strings = [
      '',
      'NULL',
      'null',
      'a,b',
      '{x}',
      ' spaced ',
      'quote"d',
      'back\\slash',
      '\\"',
      'ünïcode 🎉',
      'tab\there',
      null,
    ];
    const { rows } = await db.query('SELECT $1::text[] AS v', [arrayParameter(strings)]);
    expect(rows[0].v).toEqual(strings);
  });

  it('round-trips integers up to 2^53 - 1, negatives and NULLs', async () => {
    const db = await client();
    const numbers = [0, -1, 7, 2 ** 31, Number.MAX_SAFE_INTEGER, null, -(2 ** 40)];
    const { rows } = await db.query('SELECT $1::bigint[]::text[] AS v', [arrayParameter(numbers)]);
    expect(rows[0].v).toEqual(numbers.map((n) => (n === null ? null : String(n))));
  });

  it('the store hands node-postgres no JS arrays on the send and ack path', async () => {
    const { store, alice, bob, params } = await storeRecordingParameters(cleanups);

    const content = Uint8Array.of(1, 2, 3);
    const outcome = await store.commitSend(
      { source: alice, clientId: 'c"1\\', entries: [{ destination: bob, type: 1, content }] },
      () => Uint8Array.of(9),
      ignore,
    );
    const [entry] = await store.readMailbox(bob, 0, 10);
    expect(entry!.clientId).toBe('c"1\\');
    store.acknowledge(bob, [outcome.stored[0]!.serverId]);
    await store.flush();
    expect(await store.readMailbox(bob, 0, 10)).toEqual([]);

    expect(params.length).toBeGreaterThan(0);
    expect(params.filter((p) => Array.isArray(p))).toEqual([]);
    expect(params).toContain(`{${bob.rowId}}`);
  });
});
