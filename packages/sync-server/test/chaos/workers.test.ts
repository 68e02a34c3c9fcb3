import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { RelayClient } from '@parley/relay-client';
import {
  startPostgres,
  startRedis,
  type PostgresServer,
  type RedisServer,
} from '../../bench/services.js';
import { registerAccount } from '../support/accounts.js';
import { Receiver, ReconnectingDevice, sendBurst } from './support/chaos-clients.js';

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const WORKERS = 2;
const SENDERS = 4;
const MESSAGES_PER_SENDER = 30;

/** What the primary and its workers print, as events a test can wait for. */
class RelayOutput {
  /** pid -> port, from each worker's "relay listening" line. */
  readonly listening = new Map<number, number>();
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  readonly restarts: string[] = [];
  /** The last lines printed, for a failure's report. */
  readonly tail: string[] = [];

  constructor(child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.remember(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number; pid?: number };
      if (entry.msg === 'relay listening' && entry.pid && entry.port) {
        this.listening.set(entry.pid, entry.port);
        this.check();
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.remember(line);
      if (line.includes('starting another')) this.restarts.push(line);
      this.check();
    });
  }

  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 60) this.tail.shift();
  }

  private check(): void {
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.test()) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `--workers N` (decision 0161): one primary forks N relay processes sharing one port through
 * Node's cluster module, joined through Redis on one PostgreSQL database. The primary hands
 * connections out in turn, so senders and receivers land on different workers.
 */
describe('--workers: several relay processes behind one port', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([postgres?.stop(), redis?.stop()]);
  });

  it('shares one port, replaces a killed worker without losing a message, and stops on SIGTERM', async () => {
    const database = `workers_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const primary = spawn(
      process.execPath,
      [
        mainJs,
        ...['--workers', String(WORKERS), '--port', '0'],
        ...['--database-url', postgres.url(database), '--database-pool-size', '4'],
        ...['--redis-url', redis.url, '--redis-prefix', database],
        // Bursts from one address; the abuse limits are not what this test is about.
        ...['--rate-limits', 'off', '--max-connections-per-address', '1000000'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PARLEY_LOG_LEVEL: 'info' } },
    );
    const exited = new Promise<number | null>((resolve) => primary.once('exit', resolve));
    const output = new RelayOutput(primary);
    // Where the test was when it failed, with what the relay printed last: a hang names its step.
    let step = 'waiting for the workers to listen';
    onTestFailed(() => {
      console.error(`workers test failed while ${step}; relay output:\n${output.tail.join('\n')}`);
    });
    const devices: ReconnectingDevice[] = [];
    try {
      await output.until(() => output.listening.size === WORKERS);
      step = 'connecting the devices';
      const ports = new Set(output.listening.values());
      expect(ports.size).toBe(1); // every worker listens on the one port
      const url = `http://127.0.0.1:${[...ports][0]}`;
      const http = new RelayClient(url);

      const receiverAccount = await registerAccount(http);
      const receiver = new Receiver([url], 0, receiverAccount.devices[0]!);
      devices.push(receiver.device);
      await receiver.device.connected();
      const senders: ReconnectingDevice[] = [];
      for (let i = 0; i < SENDERS; i++) {
        const sender = new ReconnectingDevice([url], 0, (await registerAccount(http)).devices[0]!);
        await sender.connected();
        senders.push(sender);
        devices.push(sender);
      }

      // Mid-burst, SIGKILL the first worker: its clients reconnect to the one left, and the
      // primary forks a replacement that listens on the same port.
      const [victim] = [...output.listening.keys()];
      let acked = 0;
      let killed = false;
      const onAcked = () => {
        if (++acked < (SENDERS * MESSAGES_PER_SENDER) / 3 || killed) return;
        killed = true;
        process.kill(victim!, 'SIGKILL');
      };
      step = 'sending the bursts';
      const results = await Promise.all(
        senders.map((sender) =>
          sendBurst(sender, receiverAccount.devices[0]!, MESSAGES_PER_SENDER, onAcked),
        ),
      );
      step = `waiting for the replacement worker (killed: ${killed})`;
      await output.until(() => output.restarts.length === 1 && output.listening.size === 3);
      expect([...new Set(output.listening.values())]).toEqual([...ports]);
      expect(alive(victim!)).toBe(false);

      step = 'draining the receiver';
      await receiver.device.reconnectAndDrain();
      results.forEach((result, i) => {
        expect(result.acked).toHaveLength(MESSAGES_PER_SENDER);
        const seen = receiver.firstSeen.get(senders[i]!.credentials.accountId) ?? [];
        expect(seen).toEqual([...Array(MESSAGES_PER_SENDER).keys()]);
      });
      expect(receiver.duplicated).toBe(0);
      step = 'stopping on SIGTERM';
    } finally {
      for (const device of devices) device.stop();
      primary.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    for (const pid of output.listening.keys()) expect(alive(pid)).toBe(false);
  }, 120_000);
});
