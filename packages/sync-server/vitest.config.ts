import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * The relay suite runs twice: once per store dialect, as two Vitest projects that set
 * PARLEY_TEST_DIALECT (test/support/database.ts reads it; the harness and the store fixtures
 * pick their database from it). `npx vitest run --project sqlite` runs one of them.
 */
const sqliteOnly = [
  // The worker thread checkpointing SQLite's WAL into the database file (decision 0150).
  'test/wal-checkpoint.test.ts',
  // SIGKILL/SIGTERM of a relay process restarted on the same SQLite file and WAL.
  'test/crash-restart.test.ts',
  // The SQLite GroupCommitter (fdatasync of the WAL); postgres-store.test.ts covers the pg one.
  'test/group-commit.test.ts',
  // The window between SQLite's COMMIT and its WAL fsync; PostgreSQL shows a transaction only
  // once its commit record is flushed, so it has no such window.
  'test/wal-sync-reads.test.ts',
  // Acks deleted by one job of the SQLite group commit (decision 0165).
  'test/sqlite-acks.test.ts',
];

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'sqlite',
            env: { PARLEY_TEST_DIALECT: 'sqlite' },
            // Builds dist/ for the crash tests' child processes.
            globalSetup: ['test/global-setup.ts'],
            exclude: ['**/node_modules/**', 'test/postgres-*.test.ts', 'test/chaos/**'],
          },
        },
        {
          extends: true,
          test: {
            name: 'postgres',
            env: { PARLEY_TEST_DIALECT: 'postgres' },
            // A fresh database for the run, dropped at its end; fails if PostgreSQL is down.
            globalSetup: ['test/postgres-setup.ts'],
            exclude: ['**/node_modules/**', 'test/chaos/**', ...sqliteOnly],
          },
        },
      ],
    },
  }),
);
