import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuWindow, withDescendants } from './cpu-shares.js';
import { floorProbe, openPairs, pacedRun, type Pairs } from './cross-process.js';
import { relayNodeArgs, rssKb } from './processes.js';
import { startCounting } from './scale-counters.js';
import type { HolderCommand } from './scale-holder.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './services.js';
import { spawnClusterRelayProcess, type ClusterRelay } from './cluster-relay.js';
import { generateSecret, hashSecret } from '@parley/sync-server';

/**
 * npm run bench:scale [-- --sockets N] [--per-relay n] [--per-holder n] [--rate r] [--duration s]
 *                     [--pairs p] [--profile dir] [--warmup s] [--idle s]
 *
 * Decision 0161. Starts its own PostgreSQL and Redis (services.ts), ceil(N / per-relay) relay
 * processes joined through Redis, seeds N devices straight into the database (one shared
 * secret, so seeding costs no KDF per device; each relay still verifies every socket's secret
 * with scrypt), and opens N authenticated idle sockets from socket-holder processes, each on
 * its own source address (127.0.0.2, 127.0.0.3, ...: 28,000 ephemeral ports per address) and
 * under the 20,000 open files each process may have. Reports the relays' RSS per idle socket.
 * Sends `rate` msgs/s for `duration` s between pairs of devices held by different relay
 * processes (every message routed through Redis; cross-process.ts), once before the idle
 * sockets connect and once after, and reports for each the send -> push p50/p99, the floor
 * (a PostgreSQL commit + a Redis publish, probed meanwhile) and the CPU share (1.0 = a core)
 * of the relays, PostgreSQL, Redis, the load generator (this process) and the socket holders
 * (decision 0162). The last line is one JSON object.
 * --profile writes a V8 CPU profile (.cpuprofile) of each relay process into dir when it stops
 * (the whole run: start-up, both traffic runs, the idle sockets' authentication); the bench logs
 * each window's bounds on the profiles' clock (`window` lines, µs of CLOCK_MONOTONIC), and
 * `node dist/bench/profile-shares.js dir from to` sums the profiles' samples of one window.
 * --warmup s (default 10): sending at the paced rate before each measured window, which is
 * also the window of the CPU shares: the relays' JIT compiles the message path meanwhile.
 * --idle s: after the idle sockets connect, the relays' CPU over s seconds with no traffic at
 * all (decision 0164): what the sockets cost by merely being open, apart from the messages.
 * RELAY_NODE_ARGS (environment) passes flags to the relays' node (e.g. `--trace-gc`: what the
 * relays print that is not their JSON log goes to this bench's stderr).
 * SIGINT/SIGTERM stop the holders, relays, PostgreSQL and Redis before the bench exits.
 */
const { values } = parseArgs({
  options: {
    sockets: { type: 'string', default: '100000' },
    'per-relay': { type: 'string', default: '15000' },
    'per-holder': { type: 'string', default: '15000' },
    rate: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '5' },
    pairs: { type: 'string', default: '100' },
    profile: { type: 'string' },
    idle: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '10' },
  },
});
const SOCKETS = Number(values.sockets);
const RELAYS = Math.max(2, Math.ceil(SOCKETS / Number(values['per-relay'])));
const PER_HOLDER = Number(values['per-holder']);
const RATE = Number(values.rate);
const DURATION_MS = Number(values.duration) * 1000;
const PAIRS = Number(values.pairs);
/** Seconds of the idle window: the sockets connected, no traffic (decision 0164). */
const IDLE_MS = Number(values.idle) * 1000;
/** Authentications in flight per holder process. */
const CONNECT_CONCURRENCY = 64;
/**
 * Sends before the measured window: connections and caches warm up, and the relays' JIT
 * compiles the message path (with a 1 s warm-up, V8's compiler was 28% of the relays' CPU in
 * the measured window; decision 0166).
 */
const WARMUP_MS = Number(values.warmup) * 1000;
if (!(WARMUP_MS >= 0) || !(DURATION_MS > 0)) {
  throw new Error('--warmup must be a number >= 0 and --duration a number > 0');
}

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

/** One paced run of the pairs' traffic, with the floor probed and CPU shares taken meanwhile. */
async function measureTraffic(traffic: Pairs, setup: Setup) {
  const counting = await startCounting(setup.databaseUrl, setup.redis.url);
  const floor = floorProbe(setup.databaseUrl, setup.redis.url);
  // CPU and the floor probe's samples over the measured window only: the warm-up is where the
  // relays' JIT compiles the message path (decision 0166), not the steady state the figures are
  // about. (Reading /proc at the window's start takes a few ms: the sends due meanwhile leave
  // at the next tick, as after any late timer.)
  let cpu: ReturnType<typeof cpuWindow> | undefined;
  let from = 0;
  let floorFrom = 0;
  const run = await pacedRun(traffic, RATE, WARMUP_MS, DURATION_MS, () => {
    from = monotonicMicros();
    floorFrom = performance.now();
    cpu = cpuWindow({
      relays: () => setup.relays.map((r) => r.child.pid!),
      postgres: () => withDescendants(setup.postgres.pid),
      redis: () => [setup.redis.pid],
      load_generator: () => [process.pid],
      holders: () => setup.holders.map((h) => h.pid!),
    });
  });
  const shares = cpu!.end();
  logWindow('paced', from);
  const floorTimes = await floor.stop(floorFrom);
  const counts = await counting.stop(floorTimes.length);
  // Over the whole paced run (warm-up included), as the counters are.
  const perMessage = (n: number) => Number((n / run.sent).toFixed(2));
  return {
    msgs_per_s: Math.round((run.latencies.length / run.measuredMs) * 1000),
    p50_ms: Number(percentile(run.latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(run.latencies, 99).toFixed(2)),
    send_errors: run.sendErrors,
    floor_p50_ms: Number(percentile(floorTimes, 50).toFixed(2)),
    floor_p99_ms: Number(percentile(floorTimes, 99).toFixed(2)),
    cpu_shares: shares,
    relay_cpu_us_per_msg: Math.round((shares.relays! * run.measuredMs * 1000) / run.measuredSent),
    per_msg: {
      pg_commits: perMessage(counts.pg_commits),
      pg_statements: perMessage(counts.pg_statements),
      redis_commands: perMessage(counts.redis_commands),
    },
    pg_statements_per_commit: Number((counts.pg_statements / counts.pg_commits).toFixed(2)),
    redis_by_command: counts.redis_by_command,
    load_average: loadAverage(),
  };
}

/** CLOCK_MONOTONIC in µs: the clock of V8's profile timestamps (startTime, timeDeltas). */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

function logWindow(name: string, from: number): void {
  log(`window ${name} ${from} ${monotonicMicros()}`);
}

/** The relays' CPU share over IDLE_MS with the sockets open and nothing sent. */
async function measureIdle(setup: Setup) {
  const from = monotonicMicros();
  const cpu = cpuWindow({
    relays: () => setup.relays.map((r) => r.child.pid!),
    postgres: () => withDescendants(setup.postgres.pid),
    redis: () => [setup.redis.pid],
  });
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const shares = cpu.end();
  logWindow('idle', from);
  return { seconds: IDLE_MS / 1000, cpu_shares: shares, load_average: loadAverage() };
}

const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

interface Setup {
  postgres: PostgresServer;
  redis: RedisServer;
  databaseUrl: string;
  relays: ClusterRelay[];
  holders: ChildProcess[];
}

async function startRelays(setup: Setup): Promise<void> {
  const admin = new pg.Client({ connectionString: setup.postgres.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE scale');
  await admin.end();
  const nodeArgs = [
    ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
    ...relayNodeArgs(),
  ];
  const spawnOne = () =>
    spawnClusterRelayProcess(setup.databaseUrl, setup.redis.url, 'scale', nodeArgs);
  // The first relay creates the schema; the others find it.
  const spawnListed = () => spawnOne().then((relay) => void setup.relays.push(relay));
  await spawnListed();
  await Promise.all(Array.from({ length: RELAYS - 1 }, spawnListed));
  log(`${RELAYS} relay processes on PostgreSQL ${setup.postgres.port} and ${setup.redis.url}`);
}

/** Opens the idle sockets in two waves; RSS per socket is the slope between them. */
async function connectIdleSockets(setup: Setup) {
  const { secret, hash } = sharedSecret();
  const devices = (await seedDevices(setup.databaseUrl, SOCKETS, hash)).map((d) => ({
    ...d,
    secret,
  }));
  // The relays' own start-up garbage (collected at some point) does not count.
  const holderJs = fileURLToPath(new URL('./scale-holder.js', import.meta.url));
  const holderCount = Math.ceil(SOCKETS / PER_HOLDER);
  for (let h = 0; h < holderCount; h++) {
    setup.holders.push(fork(holderJs, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }
  const urls = setup.relays.map((r) => r.url);
  const started = performance.now();
  const wave = async (half: 0 | 1) => {
    const results = await Promise.all(
      setup.holders.map((child, h) => {
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
      rss: setup.relays.reduce((sum, r) => sum + rssKb(r.child.pid!), 0),
    };
  };
  const first = await wave(0);
  const all = await wave(1);
  const connected = first.connected + all.connected;
  log(
    `${connected} sockets authenticated in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { connected, rssPerSocket: (all.rss - first.rss) / Math.max(1, all.connected) };
}

/** What the bench started, listed as it starts: all stopped at the end or on SIGINT/SIGTERM. */
const running = {
  services: [] as { stop(): Promise<void> }[],
  relays: [] as ClusterRelay[],
  holders: [] as ChildProcess[],
};
let stopped: Promise<void> | undefined;

/** Stops the holders, then the relays (each finishes its writes), then PostgreSQL and Redis; once. */
function stopEverything(): Promise<void> {
  stopped ??= (async () => {
    for (const holder of running.holders) holder.kill();
    await Promise.all(running.relays.map((r) => r.stop()));
    await Promise.all(running.services.map((s) => s.stop()));
  })();
  return stopped;
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    signalled = true;
    log(`${signal}: stopping the relays, PostgreSQL and Redis`);
    void stopEverything().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

async function main(): Promise<void> {
  const [postgres, redis] = await Promise.all([
    startPostgres({ countStatements: true }).then(
      (server) => (running.services.push(server), server),
    ),
    startRedis().then((server) => (running.services.push(server), server)),
  ]);
  const setup: Setup = {
    postgres,
    redis,
    databaseUrl: postgres.url('scale'),
    relays: running.relays,
    holders: running.holders,
  };
  try {
    await startRelays(setup);
    const traffic = await openPairs(
      setup.relays.map((r) => r.url),
      PAIRS,
    );
    // The same traffic before and after the idle sockets: what the sockets themselves cost.
    const beforeIdle = await measureTraffic(traffic, setup);
    log(`before idle sockets: ${JSON.stringify(beforeIdle)}`);
    const { connected, rssPerSocket } = await connectIdleSockets(setup);
    const idle = await measureIdle(setup);
    log(`idle sockets, no traffic: ${JSON.stringify(idle)}`);
    const withIdle = await measureTraffic(traffic, setup);
    log(`with idle sockets: ${JSON.stringify(withIdle)}`);
    for (const pair of traffic.pairs) pair.sender.close();
    console.log(
      JSON.stringify({
        bench: 'scale',
        sockets: connected,
        relay_processes: RELAYS,
        rss_kb_per_socket: Number(rssPerSocket.toFixed(2)),
        target_rate: RATE,
        msgs_per_s: withIdle.msgs_per_s,
        cross_process_p99_ms: withIdle.p99_ms,
        cross_process_p50_ms: withIdle.p50_ms,
        floor_p99_ms: withIdle.floor_p99_ms,
        cpu_shares: withIdle.cpu_shares,
        before_idle: beforeIdle,
        idle,
        load_average: withIdle.load_average,
      }),
    );
  } finally {
    await stopEverything();
  }
}

main().catch((error: unknown) => {
  if (signalled) return; // the run failed because its servers were stopped: exits once stopped
  process.stderr.write(
    `bench:scale failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
