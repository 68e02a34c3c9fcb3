import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * What the relays asked of PostgreSQL and Redis during a paced run of bench:scale (decision
 * 0163): transactions, statements (BEGIN and COMMIT included) and Redis commands, counted by
 * the servers themselves. Divided by the messages sent, they compare builds without the noise
 * of a shared machine's clock. The floor probe's own statements and PUBLISHes are left out.
 */
export interface ServerCounts {
  pg_commits: number;
  pg_statements: number;
  redis_commands: number;
  /** Redis calls by command (scripts' own calls included), most first. */
  redis_by_command: Record<string, number>;
}

/**
 * Resets the servers' counters; `stop(probes)` reads them, less the floor probe's share
 * (`probes`: how many probes ran, each a BEGIN, an INSERT, a COMMIT and a PUBLISH).
 */
export async function startCounting(
  databaseUrl: string,
  redisUrl: string,
): Promise<{ stop(probes: number): Promise<ServerCounts> }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  // PostgreSQL stopped under it (SIGINT/SIGTERM stop the bench mid-run): not a crash.
  db.on('error', () => undefined);
  const redis = new Redis(redisUrl);
  await db.connect();
  await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await db.query('SELECT pg_stat_statements_reset()');
  await redis.config('RESETSTAT');
  return {
    async stop(probes) {
      // pg_stat_statements counts a statement when it ends (no reporting delay).
      const { rows } = await db.query<{ statements: number; commits: number }>(
        `SELECT coalesce(sum(calls), 0)::int AS statements,
           coalesce(sum(calls) FILTER (WHERE query = 'COMMIT'), 0)::int AS commits
         FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND query NOT ILIKE '%bench_floor%' AND query NOT ILIKE '%pg_stat_statements%'`,
      );
      const byCommand = commandCalls(await redis.info('commandstats'));
      const redisCommands = Object.values(byCommand).reduce((a, b) => a + b, 0) - probes;
      await db.end();
      redis.disconnect();
      return {
        pg_commits: rows[0]!.commits - probes,
        pg_statements: rows[0]!.statements - 2 * probes,
        redis_commands: redisCommands,
        redis_by_command: byCommand,
      };
    },
  };
}

/** Calls by command from INFO commandstats (a handful of them are the counter's own). */
function commandCalls(info: string): Record<string, number> {
  const calls = [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(
    ([, name, n]) => [name!, Number(n)] as const,
  );
  return Object.fromEntries(calls.sort((a, b) => b[1] - a[1]));
}
