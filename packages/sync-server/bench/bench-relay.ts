import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  RelayClient,
  randomDeviceKeys,
  randomEcPublicKey,
  type Credentials,
} from '@parley/relay-client';
import type { PeerSpec } from './peers.js';
import {
  cpuSeconds,
  Generator,
  rssKb,
  startBareForwarder,
  startRelayProcess,
  type Server,
  relayNodeArgs,
} from './processes.js';

/**
 * npm run bench:relay [-- --connections N] [--idle] [--duration s] [--rounds n] [--size bytes]
 *                     [--window w] [--processes p] [--profile dir] [--rate r] [--warmup s]
 *
 * Drives a relay process from separate load-generator processes with N device connections in
 * pairs doing 1:1 send -> deliver -> ack, then the same workload through a bare in-memory ws
 * forwarder. Throughput at saturation for both; relay latency (send -> delivery) at half the
 * relay's saturated rate (and the forwarder's, at the same rate and at half its own saturated
 * rate); relay RSS per authenticated connection. With --idle, only connects N
 * authenticated sockets and reports RSS per idle connection. The last line is one JSON object.
 * --window is the number of sends each device keeps in flight: with a durable relay each send
 * waits for a group commit, so a window of 1-2 leaves the relay idle between fsyncs instead of
 * saturating it (measured: window 2 gave 2/3 of the throughput of window 16 here).
 * --profile writes V8 CPU profiles (.cpuprofile) of the measured relay process into dir, and of
 * its load generators into dir/generators.
 * --warmup s (default 2): seconds of sending at the latency phase's rate before its measured
 * window, so the steady state at that rate is measured, not the switch from saturation.
 * RELAY_NODE_ARGS (environment) passes flags to the relay's node, e.g. V8 heap settings.
 * --rate r measures only the latency at r msgs/s (relay, the bare forwarder, then the durable
 * floor: the forwarder fdatasyncing each group of sends to a file on the relay's disk before it
 * answers them), after one warm-up round at saturation: for studying latency against load. The
 * three take turns (in a rotating order) for --rounds rounds of --warmup + --duration each, so
 * that a slow spell of the machine hits them alike; each one's p50/p99 pool its rounds, and each
 * round's p99 is printed too. (--rounds also sets the length of the saturated warm-up round,
 * 2 × --duration / --rounds, as in the default mode.)
 * --database-url postgres://... runs the relay on PostgreSQL, in a schema of that database
 * created for the run (bench_<pid>_<random>) and dropped at its end; default: SQLite in a
 * temporary directory.
 */
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '1000' },
    idle: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    size: { type: 'string', default: '200' },
    window: { type: 'string', default: '16' },
    processes: { type: 'string' },
    profile: { type: 'string' },
    rate: { type: 'string' },
    warmup: { type: 'string', default: '2' },
    'database-url': { type: 'string' },
  },
});
const connections = Number(values.connections);
if (!Number.isInteger(connections) || connections < 2 || connections % 2 !== 0) {
  throw new Error('--connections must be an even number >= 2');
}
/** Length of the latency phase, and of each saturation round. */
const durationMs = Number(values.duration) * 1000;
/** Paced sending before the latency phase's measured window: the steady state is measured. */
const warmupMs = Number(values.warmup) * 1000;
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error('--rounds must be a whole number >= 1');
const roundMs = Math.max(1000, Math.round((durationMs * 2) / rounds));
const size = Number(values.size);
const window = Number(values.window);
/** At most ~5,000 sockets per generator process and per source address (20,000 open files). */
const processes = Number(values.processes ?? Math.max(1, Math.ceil(connections / 5000)));

const log = (line: string) => process.stdout.write(`${line}\n`);

async function registerDevices(url: string): Promise<Credentials[]> {
  const client = new RelayClient(url);
  const devices: Credentials[] = new Array(connections);
  const tag = Date.now().toString(36);
  let next = 0;
  const worker = async () => {
    while (next < connections) {
      const i = next++;
      devices[i] = await client.register(
        `bench${tag}_${i}`,
        randomEcPublicKey(),
        randomDeviceKeys(),
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return devices;
}

/** Pairs (2k, 2k+1) stay in one generator process so latency uses one clock. */
function peerSpecs(devices: Credentials[] | undefined, generator: number): PeerSpec[] {
  const specs: PeerSpec[] = [];
  for (let i = 0; i < connections; i++) {
    if (Math.floor(i / 2) % processes !== generator) continue;
    const partner = i ^ 1;
    specs.push({
      index: i,
      partner,
      localAddress: `127.0.0.${2 + generator}`,
      ...(devices && { credentials: devices[i]!, partnerAccountId: devices[partner]!.accountId }),
    });
  }
  return specs;
}

async function startGenerators(
  mode: 'relay' | 'bare',
  server: Server,
  devices?: Credentials[],
): Promise<Generator[]> {
  const nodeArgs =
    values.profile && mode === 'relay'
      ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}/generators`]
      : [];
  const generators = Array.from({ length: processes }, () => new Generator(nodeArgs));
  await Promise.all(
    generators.map((g, i) =>
      g.ask({ cmd: 'init', mode, url: server.url, peers: peerSpecs(devices, i), size }),
    ),
  );
  const started = performance.now();
  await Promise.all(generators.map((g) => g.ask({ cmd: 'connect', concurrency: 50 })));
  log(
    `${mode}: ${connections} connections open in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return generators;
}

/** Deliveries per second while every device keeps `window` sends in flight. */
async function saturate(generators: Generator[]): Promise<number> {
  const results = await Promise.all(
    generators.map((g) =>
      g.ask<{ delivered: number; ms: number }>({ cmd: 'saturate', ms: roundMs, window }),
    ),
  );
  return results.reduce((sum, r) => sum + (r.delivered / r.ms) * 1000, 0);
}

/**
 * Relay and bare forwarder measured in alternating rounds, so that load from other work on the
 * machine hits both alike; each rate is the mean of its rounds.
 */
async function alternatingRates(
  relayServer: Server,
  relayGenerators: Generator[],
  bareServer: Server,
  bareGenerators: Generator[],
): Promise<{ relay: number; bare: number }> {
  await saturate(relayGenerators);
  await saturate(bareGenerators);
  const relay: number[] = [];
  const bare: number[] = [];
  const cpu = { relay: 0, relayClients: 0, bare: 0, bareClients: 0 };
  const measured = async (server: Server, generators: Generator[]) => {
    const pids = generators.map((g) => g.child.pid!);
    const serverBefore = cpuSeconds(server.child.pid!);
    const clientsBefore = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const rate = await saturate(generators);
    const messages = (rate * roundMs) / 1000;
    const perMessage = (seconds: number) => (seconds * 1e6) / messages;
    return {
      rate,
      server: perMessage(cpuSeconds(server.child.pid!) - serverBefore),
      clients: perMessage(pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - clientsBefore),
    };
  };
  for (let round = 0; round < rounds; round++) {
    const r = await measured(relayServer, relayGenerators);
    const b = await measured(bareServer, bareGenerators);
    relay.push(r.rate);
    bare.push(b.rate);
    cpu.relay += r.server / rounds;
    cpu.relayClients += r.clients / rounds;
    cpu.bare += b.server / rounds;
    cpu.bareClients += b.clients / rounds;
    log(
      `round ${round + 1}: relay ${Math.round(relay.at(-1)!)} msgs/s, bare ws ${Math.round(bare.at(-1)!)} msgs/s`,
    );
  }
  log(
    `CPU per message: relay ${cpu.relay.toFixed(1)} µs + its clients ${cpu.relayClients.toFixed(1)} µs; ` +
      `bare ws ${cpu.bare.toFixed(1)} µs + its clients ${cpu.bareClients.toFixed(1)} µs`,
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { relay: mean(relay), bare: mean(bare) };
}

/** One paced window on one server: its latencies (undelivered as Infinity) and CPU. */
interface PacedRound {
  latencies: number[];
  sent: number;
  cpuSeconds: number;
  mainCpuSeconds: number;
  /** The relay's event-loop delay over the round; empty for the forwarders. */
  loopDelay: string;
}

/**
 * Send -> delivery latency at `rate` msgs/s for one window, with the server's CPU over the same
 * period (and for the relay its event-loop delay).
 */
async function pacedRound(
  label: string,
  generators: Generator[],
  rate: number,
  server: Server,
): Promise<PacedRound> {
  const isRelay = label === 'relay';
  if (isRelay) await eventLoopLag(server.url); // resets the relay's histogram
  const pid = server.child.pid!;
  const cpuBefore = cpuSeconds(pid);
  const mainBefore = cpuSeconds(pid, true);
  const results = await Promise.all(
    generators.map((g) =>
      g.ask<{ latencies: number[]; sent: number; measured: number }>({
        cmd: 'paced',
        rate: rate / processes,
        ms: durationMs,
        warmupMs,
      }),
    ),
  );
  const delivered = results.flatMap((r) => r.latencies);
  // CPU and event-loop delay cover the warm-up too: same rate, so the same steady state.
  const measured = results.reduce((sum, r) => sum + r.measured, 0);
  // A message not delivered by the end of the window counts as slower than any delivered one
  // (Infinity; null in the JSON line), so an overloaded server cannot look fast.
  const undelivered = Array<number>(Math.max(0, measured - delivered.length)).fill(Infinity);
  return {
    latencies: [...delivered, ...undelivered].sort((a, b) => a - b),
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    cpuSeconds: cpuSeconds(pid) - cpuBefore,
    mainCpuSeconds: cpuSeconds(pid, true) - mainBefore,
    loopDelay: isRelay ? `, ${await eventLoopLag(server.url)}` : '',
  };
}

/** The value below which `q` of the sorted `latencies` fall. */
function quantile(latencies: number[], q: number): number {
  return latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
}

/** One server's latency at `rate` in a single window. */
async function latencyAt(
  label: string,
  generators: Generator[],
  rate: number,
  server: Server,
): Promise<LatencySummary> {
  const [summary] = await alternatingLatencies([{ label, generators, server }], rate, 1);
  return summary;
}

/** A server and the generators that drive it. */
interface PacedRun {
  label: string;
  generators: Generator[];
  server: Server;
}

interface LatencySummary {
  p50: number;
  p99: number;
  /** Each round's own p99, in the order they ran. */
  roundP99s: number[];
  cpuUs: number;
}

/**
 * Latency at `rate` for each server of `runs`, in `rounds` rounds that alternate between them,
 * so that anything else slowing the machine for a while hits each of them alike. The order
 * rotates each round, so none always follows the same one (a server's trailing work, such as
 * the relay's last commits and checkpoints, falls into the next one's window). Each one's
 * p50/p99 pool all its rounds; CPU per message is over all its rounds.
 */
async function alternatingLatencies<const T extends readonly PacedRun[]>(
  runs: T,
  rate: number,
  rounds: number,
): Promise<{ [K in keyof T]: LatencySummary }> {
  const byRun: PacedRound[][] = runs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < runs.length; turn++) {
      const i = (turn + round) % runs.length;
      const { label, generators, server } = runs[i]!;
      const paced = await pacedRound(label, generators, rate, server);
      byRun[i]!.push(paced);
      const perMessage = (seconds: number) => ((seconds * 1e6) / paced.sent).toFixed(1);
      log(
        `${label} at ${Math.round(rate)} msgs/s, round ${round + 1}: ` +
          `${paced.latencies.filter(Number.isFinite).length}/${paced.latencies.length} delivered, ` +
          `p50 ${quantile(paced.latencies, 0.5).toFixed(2)} ms, p99 ${quantile(paced.latencies, 0.99).toFixed(2)} ms, ` +
          `${perMessage(paced.cpuSeconds)} µs CPU per message (${perMessage(paced.mainCpuSeconds)} µs on the main thread)${paced.loopDelay}`,
      );
    }
  }
  const summaries = runs.map(({ label }, i) => {
    const all = byRun[i]!;
    const pooled = all.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const sent = all.reduce((sum, r) => sum + r.sent, 0);
    const summary: LatencySummary = {
      p50: quantile(pooled, 0.5),
      p99: quantile(pooled, 0.99),
      roundP99s: all.map((r) => quantile(r.latencies, 0.99)),
      cpuUs: (all.reduce((sum, r) => sum + r.cpuSeconds, 0) * 1e6) / sent,
    };
    if (rounds === 1) return summary; // its round's line said it all
    log(
      `${label} latency at ${Math.round(rate)} msgs/s over ${all.length} rounds: p50 ${summary.p50.toFixed(2)} ms, ` +
        `p99 ${summary.p99.toFixed(2)} ms, ${summary.cpuUs.toFixed(1)} µs CPU per message`,
    );
    return summary;
  });
  return summaries as { [K in keyof T]: LatencySummary };
}

/** Mean group-commit duration and size so far, from the relay's own metrics. */
async function commitStats(url: string): Promise<string> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  const commits = value('parley_relay_commit_duration_seconds_count');
  const ms = (value('parley_relay_commit_duration_seconds_sum') / commits) * 1000;
  const jobs = value('parley_relay_commit_batch_jobs_sum') / commits;
  const p99 = histogramBound(metrics, 'parley_relay_commit_duration_seconds', 0.99) * 1000;
  // NaN when the scrape holds no buckets for it (seen on PostgreSQL): no p99 then.
  const tail = Number.isFinite(p99) ? ` (p99 <= ${p99} ms)` : '';
  return `${commits} group commits, mean ${ms.toFixed(2)} ms${tail} from BEGIN to durable, ${jobs.toFixed(1)} writes each`;
}

/** The least bucket bound of a Prometheus histogram holding `quantile` of its observations. */
function histogramBound(metrics: string, name: string, quantile: number): number {
  const buckets = [
    ...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm')),
  ];
  const total = Number(buckets.at(-1)?.[2] ?? NaN);
  const bucket = buckets.find((b) => Number(b[2]) >= quantile * total);
  return Number(bucket?.[1] ?? NaN);
}

/**
 * The relay's event-loop delay since the previous scrape (prom-client resets it per scrape):
 * tells a relay that stalls from load that sits elsewhere (the generators, other tenants).
 */
async function eventLoopLag(url: string): Promise<string> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const ms = (name: string) => {
    const match = new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(metrics);
    return (Number(match?.[1] ?? NaN) * 1000).toFixed(1);
  };
  return `event-loop delay p50 ${ms('p50')} ms, p99 ${ms('p99')} ms, max ${ms('max')} ms`;
}

async function authenticatedConnections(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(
    /^parley_relay_connections\{state="authenticated"\} (\d+)$/m.exec(metrics)?.[1] ?? 0,
  );
}

/** A fresh schema for the run when benchmarking on PostgreSQL: its URL and how to drop it. */
async function benchDatabase(): Promise<{ relayArgs: string[]; drop(): Promise<void> }> {
  const url = values['database-url'];
  if (!url || url.startsWith('sqlite:')) {
    return { relayArgs: url ? ['--database-url', url] : [], drop: async () => undefined };
  }
  const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  log(`PostgreSQL: schema ${schema}`);
  return {
    relayArgs: ['--database-url', scoped.toString()],
    drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const database = await benchDatabase();
  // Throughput is measured without the abuse limits: one address opens every socket, far past
  // what any person would (they are measured by bench:abuse instead).
  const unlimited = ['--rate-limits', 'off', '--max-connections-per-address', '1000000'];
  let relay = await startRelayProcess(dataDir, [], [...database.relayArgs, ...unlimited]);
  const round = (n: number) => Math.round(n * 100) / 100;
  try {
    log(`${connections} devices, ${processes} generator process(es), ${size}-byte messages`);
    let started = performance.now();
    const devices = await registerDevices(relay.url);
    log(
      `registered ${connections} devices in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // A fresh relay process on the same database: the baseline RSS then holds no garbage from
    // the registrations, so the growth is the connections' own cost.
    await relay.stop();
    relay = await startRelayProcess(
      dataDir,
      [
        ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
        ...relayNodeArgs(),
      ],
      [...database.relayArgs, ...unlimited],
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssBefore = rssKb(relay.child.pid!);
    started = performance.now();
    const generators = await startGenerators('relay', relay, devices);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const authenticated = await authenticatedConnections(relay.url);
    const rssAfter = rssKb(relay.child.pid!);
    const rssPerConnection = (rssAfter - rssBefore) / connections;
    log(
      `relay RSS ${rssBefore} KiB -> ${rssAfter} KiB with ${authenticated} authenticated sockets: ${rssPerConnection.toFixed(1)} KiB each`,
    );

    if (values.idle) {
      await Promise.all(generators.map((g) => g.close()));
      await relay.stop();
      log(
        JSON.stringify({
          bench: 'relay',
          mode: 'idle',
          connections,
          authenticated,
          rss_kb_per_connection: round(rssPerConnection),
        }),
      );
      return;
    }

    if (values.rate) {
      // Warm both servers up (JIT, caches) with one saturated round, then pace.
      const rate = Number(values.rate);
      const bare = await startBareForwarder();
      const bareGenerators = await startGenerators('bare', bare);
      // The durable floor: the forwarder with a group-committed, fdatasynced log (one sync in
      // flight, as the relay's) on the disk of the relay's SQLite database (with --database-url
      // postgres://, the local disk, not PostgreSQL's).
      const floor = await startBareForwarder(join(dataDir, 'floor.log'));
      const floorGenerators = await startGenerators('bare', floor);
      await saturate(generators);
      await saturate(bareGenerators);
      await saturate(floorGenerators);
      const [latency, bareLatency, floorLatency] = await alternatingLatencies(
        [
          { label: 'relay', generators, server: relay },
          { label: 'bare ws', generators: bareGenerators, server: bare },
          { label: 'durable bare ws', generators: floorGenerators, server: floor },
        ],
        rate,
        rounds,
      );
      log(`relay: ${await commitStats(relay.url)}`);
      const all = [...generators, ...bareGenerators, ...floorGenerators];
      await Promise.all(all.map((g) => g.close()));
      await Promise.all([relay.stop(), bare.stop(), floor.stop()]);
      log(
        JSON.stringify({
          bench: 'relay',
          mode: 'latency',
          connections,
          rate,
          p50_ms: round(latency.p50),
          p99_ms: round(latency.p99),
          rounds,
          p99_ms_by_round: latency.roundP99s.map(round),
          relay_cpu_us: round(latency.cpuUs),
          bare_p99_ms: round(bareLatency.p99),
          bare_p99_ms_by_round: bareLatency.roundP99s.map(round),
          bare_cpu_us: round(bareLatency.cpuUs),
          durable_floor_p50_ms: round(floorLatency.p50),
          durable_floor_p99_ms: round(floorLatency.p99),
          durable_floor_p99_ms_by_round: floorLatency.roundP99s.map(round),
        }),
      );
      return;
    }

    const bare = await startBareForwarder();
    const bareGenerators = await startGenerators('bare', bare);
    const rates = await alternatingRates(relay, generators, bare, bareGenerators);
    log(
      `saturated (window ${window} per connection): relay ${Math.round(rates.relay)} msgs/s, bare ws ${Math.round(rates.bare)} msgs/s`,
    );
    log(`relay: ${await commitStats(relay.url)}`);
    const relayRate = rates.relay;
    const bareRate = rates.bare;
    // The forwarder's latency at the same rate: the floor set by the machine and the generators.
    await latencyAt('bare ws', bareGenerators, relayRate / 2, bare);
    // And at half its OWN saturated rate: the relay's latency criterion applied to the physical
    // limit. Saturation pipelines --window sends per device and paced sends cost more per message, so
    // on a machine the server shares with its load generators this is near full load.
    log('bare ws at half its own saturated rate:');
    const bareHalf = await latencyAt('bare ws', bareGenerators, bareRate / 2, bare);
    await Promise.all(bareGenerators.map((g) => g.close()));
    await bare.stop();
    const latency = await latencyAt('relay', generators, relayRate / 2, relay);
    await Promise.all(generators.map((g) => g.close()));
    await relay.stop();

    log(
      JSON.stringify({
        bench: 'relay',
        connections,
        relay_msgs_per_s: Math.round(relayRate),
        bare_ws_msgs_per_s: Math.round(bareRate),
        ratio: round(relayRate / bareRate),
        p50_ms: round(latency.p50),
        p99_ms: round(latency.p99),
        rss_kb_per_connection: round(rssPerConnection),
        bare_half_rate_p50_ms: round(bareHalf.p50),
        bare_half_rate_p99_ms: round(bareHalf.p99),
      }),
    );
  } finally {
    if (relay.child.exitCode === null) await relay.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench:relay failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
