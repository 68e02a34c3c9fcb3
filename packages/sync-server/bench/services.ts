import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Private PostgreSQL and Redis servers for the chaos tests and the scale bench: each in a temp
 * directory, on a free loopback port, started and stopped (or killed) by the caller, so
 * nothing else on the machine is touched. PostgreSQL comes from Debian's binaries; initdb
 * refuses to run as root, so as root the servers run as the `postgres` user.
 */

const PG_BIN_DIRS = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
  '/usr/local/bin',
];

function pgBinary(name: string): string {
  for (const dir of PG_BIN_DIRS) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`${name} not found in ${PG_BIN_DIRS.join(', ')}: install Debian's postgresql`);
}

/** A free TCP port on 127.0.0.1 (the OS picks it; nothing listens on it afterwards). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The user to run PostgreSQL as: ourselves, or `postgres` when we are root. */
function pgUser(): { uid?: number; gid?: number; name: string } {
  if (process.getuid?.() !== 0) return { name: userInfo().username };
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid, name: 'postgres' };
}

/** Resolves once `child` prints a line matching `ready` (on stdout or stderr). */
function waitForLine(child: ChildProcess, ready: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (ready.test(line)) resolve();
      });
    }
    child.once('exit', (code, signal) =>
      reject(
        new Error(`${what} exited (${signal ?? code}) before it was ready:\n${output.join('\n')}`),
      ),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  readonly port: number;
  /** The postmaster's process id (its backends are its children). */
  readonly pid: number;
  /** Immediate shutdown (SIGQUIT: no checkpoint, crash recovery on start), then start again. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * initdb into a temp directory and start `postgres` on a free port (trust auth, loopback).
 * `countStatements` loads pg_stat_statements (bench:scale counts statements per message).
 */
export async function startPostgres({ countStatements = false } = {}): Promise<PostgresServer> {
  const user = pgUser();
  const dir = mkdtempSync(join(tmpdir(), 'parley-pg-'));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = join(dir, 'data');
  execFileSync(
    pgBinary('initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'],
    {
      uid: user.uid,
      gid: user.gid,
      stdio: 'ignore',
    },
  );
  const port = await freePort();
  let child: ChildProcess;
  const start = async () => {
    child = spawn(
      pgBinary('postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'max_connections=300',
        ...(countStatements
          ? [
              '-c',
              'shared_preload_libraries=pg_stat_statements',
              '-c',
              'pg_stat_statements.track=all',
            ]
          : []),
      ],
      { uid: user.uid, gid: user.gid, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitForLine(child, /database system is ready to accept connections/, 'postgres');
  };
  await start();
  return {
    port,
    get pid() {
      return child.pid!;
    },
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async restart() {
      child.kill('SIGQUIT');
      await exited(child);
      await start();
    },
    async stop() {
      child.kill('SIGINT'); // fast shutdown
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  readonly url: string;
  readonly pid: number;
  /** SIGKILL (an in-memory server: everything in it is gone), then start again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** `redis-server` on a free port, without persistence, in a temp directory. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-redis-'));
  const port = await freePort();
  let child: ChildProcess;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitForLine(child, /Ready to accept connections/, 'redis-server');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid!;
    },
    async restart() {
      child.kill('SIGKILL');
      await exited(child);
      await start();
    },
    async stop() {
      child.kill('SIGKILL');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
