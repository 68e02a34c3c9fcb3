import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  RelayClient,
  randomDeviceKeys,
  randomEcPublicKey,
  type Credentials,
  type RelaySocket,
} from '@parley/relay-client';
import { rssKb } from './processes.js';
import type { HolderCommand } from './scale-holder.js';
import { startPostgres, startRedis } from './services.js';
import { spawnClusterRelayProcess } from './cluster-relay.js';
import { generateSecret, hashSecret } from '@parley/sync-server';

/**
 * npm run bench:scale [-- --sockets N] [--per-relay n] [--per-holder n] [--rate r] [--duration s]
 *
 * Decision 0161. Starts its own PostgreSQL and Redis (services.ts), ceil(N / per-relay) relay
 * processes joined through Redis, seeds N devices straight into the database (one shared
 * secret, so seeding costs no KDF per device; each relay still verifies every socket's secret
 * with scrypt), and opens N authenticated idle sockets from socket-holder processes, each on
 * its own source address (127.0.0.2, 127.0.0.3, ...: 28,000 ephemeral ports per address) and
 * under the 20,000 open files each process may have. Reports the relays' RSS per idle socket,
 * then sends `rate` msgs/s for `duration` s between pairs of devices held by different relay
 * processes (every message routed through Redis) and reports the send -> push p99. The last
 * line is one JSON object.
 */
const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '100000' },
    'per-relay': { type: 'string', default: '15000' },
    'per-holder': { type: 'string', default: '15000' },
    rate: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '5' },
    pairs: { type: 'string', default: '100' },
  },
});
const SOCKETS = Number(values.sockets);
const RELAYS = Math.max(2, Math.ceil(SOCKETS / Number(values['per-relay'])));
const PER_HOLDER = Number(values['per-holder']);
const RATE = Number(values.rate);
const DURATION_MS = Number(values.duration) * 1000;
const PAIRS = Number(values.pairs);
/** Authentications in flight per holder process. */
const CONNECT_CONCURRENCY = 64;
/** Sends before the measured window (connections and caches warm up). */
const WARMUP_MS = 1000;

/** The p-th percentile (0-100) of `values` (nearest rank); 0 for none. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** One secret and its stored hash, shared by all seeded devices. */
function sharedSecret(): { secret: string; hash: string } {
  const secret = generateSecret();
  return { secret, hash: hashSecret(secret) };
}

/** N accounts with one device each, inserted in one statement. */
async function seedDevices(
  url: string,
  count: number,
  hash: string,
): Promise<{ accountId: string; deviceId: number }[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const key = randomBytes(33);
  await db.query(
    `INSERT INTO accounts (id, username, identity_key, next_device_id, created_at)
     SELECT 'scale-' || i, 'scale_' || i, $1, 2, 0 FROM generate_series(1, $2::integer) AS i`,
    [key, count],
  );
  await db.query(
    `INSERT INTO devices (account_id, device_id, registration_id, secret_hash, signed_prekey_id,
       signed_prekey, signed_prekey_signature, last_resort_kyber_id, last_resort_kyber_key,
       last_resort_kyber_signature, created_at)
     SELECT 'scale-' || i, 1, 1, $1, 1, $2, $2, 1, $2, $2, 0 FROM generate_series(1, $3::integer) AS i`,
    [hash, key, count],
  );
  await db.end();
  return Array.from({ length: count }, (_, i) => ({ accountId: `scale-${i + 1}`, deviceId: 1 }));
}

function holderCall(
  child: ChildProcess,
  command: HolderCommand,
): Promise<{ connected: number; failed: number; firstError?: string }> {
  return new Promise((resolve, reject) => {
    child.once('message', (message: { connected: number; failed: number; error?: string }) =>
      message.error ? reject(new Error(message.error)) : resolve(message),
    );
    child.send(command);
  });
}

/** Paced sends from each pair's sender to its receiver on another relay; latencies in ms. */
async function crossProcessLatency(
  urls: string[],
): Promise<{ latencies: number[]; measuredMs: number }> {
  const http = new RelayClient(urls[0]!);
  const pairs: { sender: RelaySocket; to: Credentials }[] = [];
  const latencies: number[] = [];
  let measuring = false;
  for (let i = 0; i < PAIRS; i++) {
    const register = async () =>
      http.register(
        `pair_${i}_${randomBytes(4).toString('hex')}`,
        randomEcPublicKey(),
        randomDeviceKeys(),
      );
    const [from, to] = await Promise.all([register(), register()]);
    const sender = await new RelayClient(urls[i % urls.length]!).connect(from);
    const receiver = await new RelayClient(urls[(i + 1) % urls.length]!).connect(to);
    receiver.onEnvelope = (envelope) => {
      receiver.ack([envelope.serverId]);
      const sentAt = Buffer.from(envelope.content).readDoubleLE(0);
      if (measuring) latencies.push(performance.now() - sentAt);
    };
    pairs.push({ sender, to });
  }
  const intervalMs = 1000 / RATE;
  const started = performance.now();
  let sent = 0;
  let sendErrors = 0;
  let firstSendError: string | undefined;
  let measuredFrom = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!measuring && now - started >= WARMUP_MS) {
        measuring = true;
        measuredFrom = now;
      }
      if (now - started >= WARMUP_MS + DURATION_MS) return resolve();
      // Open loop: as many sends as the schedule says are due.
      while (sent < (now - started) / intervalMs) {
        const pair = pairs[sent % pairs.length]!;
        const content = Buffer.alloc(200);
        content.writeDoubleLE(performance.now(), 0);
        void pair.sender
          .send(`m${sent}`, [
            { destination: { accountId: pair.to.accountId, deviceId: pair.to.deviceId }, content },
          ])
          .catch((error: unknown) => {
            sendErrors++;
            firstSendError ??= String(error);
          });
        sent++;
      }
      setImmediate(tick);
    };
    tick();
  });
  const measuredMs = performance.now() - measuredFrom;
  if (sendErrors > 0) log(`${sendErrors} of ${sent} sends failed (first: ${firstSendError})`);
  for (const pair of pairs) pair.sender.close();
  return { latencies, measuredMs };
}

async function main(): Promise<void> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const holders: ChildProcess[] = [];
  const relays: Awaited<ReturnType<typeof spawnClusterRelayProcess>>[] = [];
  try {
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE scale');
    await admin.end();
    const databaseUrl = postgres.url('scale');
    // The first relay creates the schema; the others find it.
    relays.push(await spawnClusterRelayProcess(databaseUrl, redis.url, 'scale'));
    relays.push(
      ...(await Promise.all(
        Array.from({ length: RELAYS - 1 }, () =>
          spawnClusterRelayProcess(databaseUrl, redis.url, 'scale'),
        ),
      )),
    );
    const urls = relays.map((r) => r.url);
    log(`${RELAYS} relay processes on PostgreSQL ${postgres.port} and ${redis.url}`);

    const { secret, hash } = sharedSecret();
    const devices = (await seedDevices(databaseUrl, SOCKETS, hash)).map((d) => ({ ...d, secret }));
    // RSS per socket is the slope between half and all of the sockets: the relays' own start-up
    // garbage (collected at some point) does not count.
    const holderJs = fileURLToPath(new URL('./scale-holder.js', import.meta.url));
    const holderCount = Math.ceil(SOCKETS / PER_HOLDER);
    for (let h = 0; h < holderCount; h++) {
      holders.push(fork(holderJs, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    }
    const started = performance.now();
    const wave = async (half: 0 | 1) => {
      const results = await Promise.all(
        holders.map((child, h) => {
          const share = devices.slice(h * PER_HOLDER, (h + 1) * PER_HOLDER);
          const middle = Math.floor(share.length / 2);
          return holderCall(child, {
            cmd: 'connect',
            urls,
            localAddress: `127.0.0.${2 + h}`,
            devices: half === 0 ? share.slice(0, middle) : share.slice(middle),
            concurrency: CONNECT_CONCURRENCY,
          });
        }),
      );
      const failed = results.reduce((n, r) => n + r.failed, 0);
      if (failed > 0) {
        log(`${failed} sockets failed (first: ${results.find((r) => r.firstError)?.firstError})`);
      }
      return {
        connected: results.reduce((n, r) => n + r.connected, 0),
        rss: relays.reduce((sum, r) => sum + rssKb(r.child.pid!), 0),
      };
    };
    const first = await wave(0);
    const all = await wave(1);
    const connected = first.connected + all.connected;
    log(
      `${connected} sockets authenticated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const rssPerSocket = (all.rss - first.rss) / Math.max(1, all.connected);

    const { latencies, measuredMs } = await crossProcessLatency(urls);
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    log(`load average ${load}; ${latencies.length} cross-process messages measured`);
    console.log(
      JSON.stringify({
        bench: 'scale',
        sockets: connected,
        relay_processes: RELAYS,
        rss_kb_per_socket: Number(rssPerSocket.toFixed(2)),
        msgs_per_s: Math.round((latencies.length / measuredMs) * 1000),
        cross_process_p99_ms: Number(percentile(latencies, 99).toFixed(2)),
        cross_process_p50_ms: Number(percentile(latencies, 50).toFixed(2)),
        target_rate: RATE,
        load_average: load,
      }),
    );
  } finally {
    for (const holder of holders) holder.send({ cmd: 'close' });
    await Promise.all(relays.map((r) => r.stop()));
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
