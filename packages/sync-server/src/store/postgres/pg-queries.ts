import type pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Queries } from '../queries.js';
import { arg, rawTemplate, template, type QueryTemplate } from '../query-template.js';
import type { RelayDatabase } from '../schema.js';
import { arrayParameter } from './array-parameter.js';

/** The first key of the mailbox write locks ("mb"): apart from the schema lock's keys. */
const MAILBOX_LOCK_SPACE = 0x6d62;

/** A connection or the pool: anything that runs a query. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * A QueryTemplate run as a named prepared statement: `pg` prepares it once per connection
 * (Parse on first use) and from then on only binds and executes it.
 */
export class PgQuery<A extends string> {
  constructor(
    private readonly name: string,
    private readonly query: QueryTemplate<A>,
  ) {}

  async rows<R>(db: Queryable, args: Record<A, unknown>): Promise<R[]> {
    const result = await db.query({
      name: this.name,
      text: this.query.sql,
      values: this.values(args),
    });
    return result.rows as R[];
  }

  async one<R>(db: Queryable, args: Record<A, unknown>): Promise<R | undefined> {
    return (await this.rows<R>(db, args))[0];
  }

  /** Runs a statement and returns how many rows it changed. */
  async run(db: Queryable, args: Record<A, unknown>): Promise<number> {
    const result = await db.query({
      name: this.name,
      text: this.query.sql,
      values: this.values(args),
    });
    return result.rowCount ?? 0;
  }

  /** The arguments in order, arrays as array literals (array-parameter.ts). */
  private values(args: Record<A, unknown>): unknown[] {
    const values = this.query.bind(args); // a fresh array: converted in place
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (Array.isArray(value)) values[i] = arrayParameter(value);
    }
    return values;
  }
}

type ArgsOf<T> = T extends QueryTemplate<infer A> ? A : never;
type PgQueriesOf<Q> = { [K in keyof Q]: PgQuery<ArgsOf<Q[K]> & string> };

/**
 * The statements only PostgreSQL runs. The hot path (sends, acks, retention) is set-based: one
 * statement per batch over arrays (`unnest`), because on a networked database every statement
 * is a round trip, where SQLite runs one cheap prepared statement per row in-process. The
 * others need row locks (FOR UPDATE, SKIP LOCKED) that SQLite neither has nor needs (it has
 * one writer); with several relay processes on one PostgreSQL they are what keeps a link token
 * or a one-time prekey from being used twice.
 */
export function buildPgQueries(db: Kysely<RelayDatabase>) {
  return {
    /**
     * The idempotency records of a batch of sends and the entries of those that were new, in
     * one statement (one round trip, decision 0163). Returns a row per new record (its source
     * device and client id, `server_id` null) and a row per entry written (its `server_id`).
     * An entry names its send by (source device row, client id): the entries of a retry (a
     * record already there) are not written. Entries go in array order, and the identity
     * sequence hands out server ids in the order rows are inserted, so the ids, sorted,
     * match the written entries in array order. The results and the contents come packed,
     * each set as one bytea with starts and lengths (packed-bytes.ts, decision 0164).
     */
    insertSendsAndEntries: rawTemplate<
      | 'sendRowIds'
      | 'sendClientIds'
      | 'results'
      | 'resultStarts'
      | 'resultLengths'
      | 'now'
      | 'rowIds'
      | 'sourceRowIds'
      | 'sourceAccountIds'
      | 'sourceDeviceIds'
      | 'clientIds'
      | 'types'
      | 'contents'
      | 'contentStarts'
      | 'contentLengths'
      | 'expiresAts'
    >(
      db,
      sql`WITH fresh AS (
          INSERT INTO sends (source_device_row_id, client_id, created_at, result)
          SELECT d, c, ${arg('now')}::bigint, substring(${arg('results')}::bytea FROM rs FOR rl)
          FROM unnest(${arg('sendRowIds')}::bigint[], ${arg('sendClientIds')}::text[],
            ${arg('resultStarts')}::integer[], ${arg('resultLengths')}::integer[]) AS s(d, c, rs, rl)
          ON CONFLICT (source_device_row_id, client_id) DO NOTHING
          RETURNING source_device_row_id, client_id
        ), written AS (
          INSERT INTO mailbox (device_row_id, source_account_id, source_device_id, client_id,
            type, server_timestamp, content, expires_at)
          SELECT u.d, u.sa, u.sd, u.c, u.t, ${arg('now')}::bigint,
            substring(${arg('contents')}::bytea FROM u.cs FOR u.cl), u.ex
          FROM unnest(${arg('rowIds')}::bigint[], ${arg('sourceRowIds')}::bigint[],
            ${arg('sourceAccountIds')}::text[], ${arg('sourceDeviceIds')}::integer[],
            ${arg('clientIds')}::text[], ${arg('types')}::integer[],
            ${arg('contentStarts')}::integer[], ${arg('contentLengths')}::integer[],
            ${arg('expiresAts')}::bigint[])
            WITH ORDINALITY AS u(d, sr, sa, sd, c, t, cs, cl, ex, ord)
          JOIN fresh f ON f.source_device_row_id = u.sr AND f.client_id = u.c
          ORDER BY u.ord
          RETURNING server_id
        )
        SELECT source_device_row_id, client_id, NULL::bigint AS server_id FROM fresh
        UNION ALL
        SELECT NULL, NULL, server_id FROM written`,
    ),
    /** The stored results of earlier sends (retries), by (source device, client id). */
    sendResults: rawTemplate<'rowIds' | 'clientIds'>(
      db,
      sql`SELECT s.source_device_row_id, s.client_id, s.result FROM sends s
        JOIN unnest(${arg('rowIds')}::bigint[], ${arg('clientIds')}::text[]) AS k(d, c)
          ON s.source_device_row_id = k.d AND s.client_id = k.c`,
    ),
    /**
     * Serialises writers to the same mailboxes across relay processes (decision 0161): a
     * transaction-scoped advisory lock per destination device, taken in device order (no
     * deadlock between two batches). A writer takes its server ids only after the previous
     * writer of that mailbox has committed, so per device, id order is commit order: a
     * reader that sees id n sees every lower id of that device.
     */
    lockMailboxes: rawTemplate<'rowIds'>(
      db,
      sql`SELECT count(pg_advisory_xact_lock(${sql.lit(MAILBOX_LOCK_SPACE)},
          (d % 2147483647)::integer)) AS n
        FROM (SELECT DISTINCT unnest(${arg('rowIds')}::bigint[]) AS d ORDER BY d) AS locked`,
    ),
    /** The highest server id in each device's mailbox (0 for an empty one), under its lock. */
    lastServerIds: rawTemplate<'rowIds'>(
      db,
      sql`SELECT d AS device_row_id,
          COALESCE((SELECT max(server_id) FROM mailbox WHERE device_row_id = d), 0) AS last
        FROM unnest(${arg('rowIds')}::bigint[]) AS d`,
    ),
    /** Entries in each named mailbox, in one round trip (depths not cached yet). */
    mailboxDepths: rawTemplate<'rowIds'>(
      db,
      sql`SELECT d AS device_row_id,
          (SELECT count(*) FROM mailbox WHERE device_row_id = d) AS n
        FROM unnest(${arg('rowIds')}::bigint[]) AS d`,
    ),
    /** Acked entries, as (device, server id) pairs; returns the device of each row deleted. */
    deleteAcked: rawTemplate<'rowIds' | 'serverIds'>(
      db,
      sql`DELETE FROM mailbox m
        USING unnest(${arg('rowIds')}::bigint[], ${arg('serverIds')}::bigint[]) AS a(d, s)
        WHERE m.device_row_id = a.d AND m.server_id = a.s
        RETURNING m.device_row_id`,
    ),
    /** Expired entries by server id (retention); returns the device of each row deleted. */
    deleteEntriesById: rawTemplate<'ns'>(
      db,
      sql`DELETE FROM mailbox WHERE server_id = ANY(${arg('ns')}::bigint[])
        RETURNING device_row_id`,
    ),
    /** Expired idempotency records by insertion order (retention). */
    deleteSendsBySeq: rawTemplate<'ns'>(
      db,
      sql`DELETE FROM sends WHERE seq = ANY(${arg('ns')}::bigint[])`,
    ),
    /** Takes the device's lowest one-time prekey; a concurrent taker skips to the next one. */
    takePreKey: rawTemplate<'rowId'>(
      db,
      sql`DELETE FROM one_time_prekeys WHERE (device_row_id, key_id) IN (
          SELECT device_row_id, key_id FROM one_time_prekeys WHERE device_row_id = ${arg('rowId')}
          ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING key_id, public_key`,
    ),
    takeKyberPreKey: rawTemplate<'rowId'>(
      db,
      sql`DELETE FROM kyber_prekeys WHERE (device_row_id, key_id) IN (
          SELECT device_row_id, key_id FROM kyber_prekeys WHERE device_row_id = ${arg('rowId')}
          ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING key_id, public_key, signature`,
    ),
    /** A link token, locked until the transaction ends (two relays cannot both use it). */
    linkTokenForUpdate: template<'tokenHash'>(
      db
        .selectFrom('link_tokens')
        .select(['account_id', 'expires_at', 'used'])
        .where('token_hash', '=', arg('tokenHash'))
        .forUpdate(),
    ),
  };
}

export type PgQueries = PgQueriesOf<Queries> & PgQueriesOf<ReturnType<typeof buildPgQueries>>;

/** Every shared and PostgreSQL-only template as a named prepared statement. */
export function preparePgQueries(
  shared: Queries,
  own: ReturnType<typeof buildPgQueries>,
): PgQueries {
  return Object.fromEntries(
    Object.entries({ ...shared, ...own }).map(([name, query]) => [
      name,
      new PgQuery(`parley_${name}`, query as QueryTemplate<string>),
    ]),
  ) as PgQueries;
}
