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
    expect(arrayParameter([1, 22, -3, -0, 1e21])).toBe('{1,22,-3,0,1e+21}');
    expect(arrayParameter(['a', 'b c'])).toBe('{"a","b c"}');
    expect(arrayParameter([])).toBe('{}');
    expect(arrayParameter([null, 4, undefined])).toBe('{NULL,4,NULL}');
    expect(arrayParameter([null, null])).toBe('{NULL,NULL}');
    // eslint-disable-next-line no-sparse-arrays -- a hole is NULL, as node-postgres sends it
    expect(arrayParameter([1, , 3])).toBe('{1,NULL,3}');
    const others = [
      [Buffer.from('x')],
      [[1]],
      [1, 'a'],
      ['a', 1],
      [Number.NaN],
      [Infinity],
      [true],
    ];
    for (const values of others) expect(arrayParameter(values)).toBe(values);
  });

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
  ];
  const numbers = [0, -1, 7, 2 ** 31, Number.MAX_SAFE_INTEGER, -(2 ** 40)];
  // With and without a NULL: the one-join literal and the element-by-element one.
  const cases: [string, unknown[]][] = [
    ['text', strings],
    ['text', [...strings, null]],
    ['bigint', numbers],
    ['bigint', [null, ...numbers]],
    ['integer', [1, -2, 2 ** 31 - 1]],
  ];

  it.each(cases)('parses back to the same %s[] as node-postgres sends', async (type, values) => {
    const db = await client();
    const { rows } = await db.query(
      `SELECT $1::${type}[] AS ours, $1::${type}[] IS NOT DISTINCT FROM $2::${type}[] AS same`,
      [arrayParameter(values), values], // the second converted by node-postgres itself
    );
    expect(rows[0].same).toBe(true);
    const expected = type === 'text' ? values : values.map((n) => (n === null ? null : String(n)));
    expect(rows[0].ours).toEqual(type === 'integer' ? values : expected);
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
