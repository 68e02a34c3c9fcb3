import pg from 'pg';

/** int8 (bigint: identity columns, count(*), sums) */
const INT8_OID = 20;

/**
 * int8 values as JS numbers. Server ids, row ids and counts stay far below 2^53 (at 50 billion
 * messages a day that is 500 years of ids), but a value beyond it is refused rather than
 * silently rounded.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} is beyond Number.MAX_SAFE_INTEGER`);
  }
  return value;
}

/** Type parsers of this pool only (pg's global parsers stay untouched); bytea stays a Buffer. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  /** Most connections (default 10): the write lane holds one at a time, reads share the rest. */
  size?: number;
  onError?: (error: unknown) => void;
}

/** A pg Pool on `url` (postgres://user@host:port/db, libpq-style query parameters allowed). */
export function createPool(url: string, { size = 10, onError }: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    types,
    application_name: 'parley-relay',
    // Queries issued before the previous one answered go out at once, each with its own Sync
    // (decision 0163): the group commit sends BEGIN with its first statement, and statements
    // that need no answer from the one before them share a round trip. PostgreSQL still runs
    // them one after another, each with its own snapshot.
    pipeline: true,
  });
  // An idle connection that dies (server restart) emits on the pool; without a listener the
  // process would crash. The pool replaces it on the next checkout.
  pool.on('error', (error) => onError?.(error));
  // A checked-out connection that dies between two queries (PostgreSQL restarted while a group
  // commit holds it) emits on the client itself: the next query on it fails and its batch is
  // rejected, but the event must not crash the process (found by the chaos tests, 0161).
  pool.on('connect', (client) => client.on('error', (error) => onError?.(error)));
  return pool;
}
