import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relayListeningPort } from './processes.js';

/** dist/main.js, from this file compiled (dist/bench/) or run from source (bench/, by Vitest). */
const mainJs = [new URL('../main.js', import.meta.url), new URL('../dist/main.js', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path) && path.endsWith('dist/main.js'))!;

export interface ClusterRelay {
  child: ChildProcess;
  url: string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One relay process (dist/main.js: built by the tests' global setup or the bench script) of a cluster: PostgreSQL, Redis,
 * a free port. Resolves once it logged that it listens. `nodeArgs` go to its node before the
 * script (bench:scale --profile passes --cpu-prof; written when the process stops).
 */
export async function spawnClusterRelayProcess(
  databaseUrl: string,
  redisUrl: string,
  prefix: string,
  nodeArgs: readonly string[] = [],
): Promise<ClusterRelay> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      mainJs,
      '--port',
      '0',
      '--database-url',
      databaseUrl,
      '--redis-url',
      redisUrl,
      '--redis-prefix',
      prefix,
      '--database-pool-size',
      '4',
      // The chaos tests count durability and bench:scale opens many sockets from few addresses:
      // neither is about the abuse limits (decision 0170), which would refuse their bursts.
      '--rate-limits',
      'off',
      '--max-connections-per-address',
      '1000000',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PARLEY_LOG_LEVEL: 'info', INIT_CWD: '' },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const listening = relayListeningPort(line, `relay ${child.pid}`);
      if (listening) resolve(listening);
    });
    child.once('exit', (code) => reject(new Error(`relay exited early with ${code}`)));
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
