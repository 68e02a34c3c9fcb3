import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

export type Dialect = 'sqlite' | 'postgres';

/**
 * The dialect this test run uses: each Vitest project (vitest.config.ts) sets
 * PARLEY_TEST_DIALECT, so the same test files run once per store.
 */
export const dialect: Dialect =
  process.env.PARLEY_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** A database URL for the relay's config or a store. */
  url: string;
  /** Removes what the database holds (the SQLite file goes with its directory). */
  drop(): Promise<void>;
}

/**
 * An empty database for one relay or store: on SQLite a file in `dataDir`; on PostgreSQL a
 * new schema in the run's database (test/postgres-setup.ts), selected through the URL's
 * libpq `options` (search_path), so stores never see each other's rows.
 */
export async function freshDatabase(dataDir: string): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    return { url: `sqlite:${join(dataDir, 'relay.sqlite')}`, drop: async () => undefined };
  }
  const base = inject('postgresUrl');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `CREATE SCHEMA ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => adminQuery(base, `DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
