import type pg from 'pg';

/**
 * Advisory lock key held while the schema is brought up to date ("parley" in ASCII): relay
 * processes starting at once take turns, and the later ones find every table present.
 */
const SCHEMA_LOCK = 0x7061726c6579;

/**
 * Runs the schema statements (idempotent: IF NOT EXISTS) in one transaction under a
 * transaction-scoped advisory lock. PostgreSQL's DDL is transactional, so a failure leaves
 * nothing half-created; concurrent CREATE ... IF NOT EXISTS without the lock can fail on the
 * catalog's unique indexes, which is why the lock is needed at all.
 */
export async function migrate(pool: pg.Pool, statements: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
