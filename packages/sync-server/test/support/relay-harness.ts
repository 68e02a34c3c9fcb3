import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { RelayClient, type Credentials, type RelaySocket } from '@parley/relay-client';
import { defaultConfig, noRateLimits, type RelayConfig } from '../../src/config.js';
import { startRelay, type Relay } from '../../src/relay.js';
import { freshDatabase } from './database.js';

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-relay-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestRelay {
  relay: Relay;
  client: RelayClient;
  dataDir: string;
  /** The relay's database (for tests that open a second view of it). */
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * A real relay in this process on a free port, on a fresh database of the run's dialect
 * (support/database.ts): a SQLite file in a temp directory, or its own PostgreSQL schema.
 * Its rate limits are lifted (the suites send in bursts no person would); the abuse tests
 * (test/abuse/) pass the limits they test.
 */
export async function startTestRelay(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
  const data = tempDataDir();
  const database = await freshDatabase(data.dir);
  const relay = await startRelay(
    {
      ...defaultConfig,
      port: 0,
      dataDir: data.dir,
      databaseUrl: database.url,
      logLevel: 'silent',
      rateLimits: noRateLimits,
      ...overrides,
    },
    pino({ level: process.env.DEBUG_RELAY_LOG ?? 'silent' }),
  );
  return {
    relay,
    client: new RelayClient(relay.url),
    dataDir: data.dir,
    databaseUrl: database.url,
    async stop() {
      await relay.close();
      await database.drop();
      data.remove();
    },
  };
}

export interface SharedTestRelay {
  /** The relay, once the block's first beforeAll has run. */
  readonly t: TestRelay;
  /** An authenticated socket for `device`, closed with the relay after the block's tests. */
  connect(device: Credentials): Promise<RelaySocket>;
}

/**
 * One test relay for a describe block: started before its tests (call it before the block's own
 * beforeAll, which may then use it), stopped after them with every socket `connect` opened.
 */
export function useTestRelay(overrides: Partial<RelayConfig> = {}): SharedTestRelay {
  let relay: TestRelay | undefined;
  const sockets: RelaySocket[] = [];
  beforeAll(async () => {
    relay = await startTestRelay(overrides);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await relay?.stop();
  });
  const shared: SharedTestRelay = {
    get t() {
      if (!relay) throw new Error('the test relay starts in beforeAll');
      return relay;
    },
    async connect(device) {
      const socket = await shared.t.client.connect(device);
      sockets.push(socket);
      return socket;
    },
  };
  return shared;
}

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface RelayProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/**
 * The built relay (dist/main.js, built by test/global-setup.ts) as a child process, so tests can
 * SIGKILL and restart it. Resolves once it logged that it listens.
 */
export async function spawnRelay(dataDir: string, port = 0): Promise<RelayProcess> {
  const child = spawn(process.execPath, [mainJs, '--port', String(port), '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PARLEY_LOG_LEVEL: 'info', INIT_CWD: '' },
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const port$ = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'relay listening' && entry.port) resolve(entry.port);
    });
    child.once('exit', (code) => reject(new Error(`relay exited early with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${await port$}`, exited };
}
