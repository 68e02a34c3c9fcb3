import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

/**
 * Global setup of the `postgres` test project: one fresh database per test run
 * (parley_test_<pid>_<random>), dropped at the end. Each test relay or store then gets its own
 * schema in it (test/support/database.ts). PostgreSQL runs on every development and CI machine
 * (TOOLCHAIN.md): if it is not reachable, the run fails here with the reason, never skips.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl =
    process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The relay tests run on SQLite and on PostgreSQL, and PostgreSQL is not reachable at ` +
        `${adminUrl}: ${(error as Error).message}. Start PostgreSQL (trust auth for user ` +
        `postgres on 127.0.0.1:5432), set PARLEY_TEST_POSTGRES_URL to an admin URL, or run ` +
        `only the SQLite project with \`npx vitest run --project sqlite\`.`,
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  project.provide('postgresUrl', url.toString());

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL database (postgres project only). */
    postgresUrl: string;
  }
}
