/**
 * The floor of bench:e2e's latency phase: the cheapest client that still does every step the
 * architecture requires, measured at the same offered load and thread layout (pairs of devices,
 * each device in its own worker thread, the real relay process).
 *
 * Why: bench:e2e's p99 is judged against a target (p99 < 50 ms at 1,000 msg/s). Whatever the real
 * client does beyond this floor is its own cost; what the floor itself costs and reaches on this
 * machine is the physical bound no client change can beat.
 *
 * A bare device (floor-thread.ts) per message, and nothing else:
 * - sender: Signal encrypt (libsignal, in-memory stores) of an 80-byte payload -> ONE IndexedDB
 *   readwrite transaction putting the outbox row and the session record -> relay send with an
 *   idempotency key -> once the relay acknowledges, ONE transaction deleting the outbox row;
 * - receiver: Signal decrypt -> ONE transaction putting the message row and the session record ->
 *   ack to the relay -> the receive time (latency = receive time - the time the send started).
 * No CRDT, no projection, no Dexie; IndexedDB is fake-indexeddb, one database per device, as in
 * bench:e2e. Sessions are set up (and one message sent each way) before measuring, so measured
 * messages are ordinary SignalMessages.
 *
 * Environment (standalone: `npm run bench:floor -w @parley/core`): BENCH_PAIRS (4), BENCH_RATE
 * (1000 msg/s in total), BENCH_WARMUP (2 s at that rate, not measured), BENCH_SECONDS (10),
 * BENCH_FLOOR_NO_IDB=1 (no IndexedDB at all: crypto + relay only).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RelayProcess } from '../test/support/relay-process.js';
import type { FloorCommands, ReceivedTimes, SentTimes } from './floor-thread.js';
import { loadAverage, percentile, type ThreadUsage } from './measure.js';

export interface FloorOptions {
  pairs: number;
  /** Messages per second offered in total (each pair sends rate / pairs). */
  rate: number;
  seconds: number;
  warmup: number;
  /** false: no IndexedDB at all (BENCH_FLOOR_NO_IDB=1). */
  indexedDb: boolean;
  /** Where the figures are printed (default: stdout). */
  log?: (line: string) => void;
}

export interface FloorFigures {
  sent: number;
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Client process CPU (all threads) per message; the relay's is `relayCpuMsPerMsg`. */
  cpuMsPerMsg: number;
  senderCpuMsPerMsg: number;
  receiverCpuMsPerMsg: number;
  relayCpuMsPerMsg: number;
  /** Voluntary context switches per message, all sender threads / all receiver threads. */
  senderWakeupsPerMsg: number;
  receiverWakeupsPerMsg: number;
  /** p50 and p99 of each leg of the latency (see `Legs`). */
  legs: Record<keyof Legs, { p50Ms: number; p99Ms: number }>;
}

/** The latency of one message cut where the threads note times. */
interface Legs {
  /** Sender: encrypt + the outbox/session transaction (and any wait behind earlier sends). */
  send: number;
  /** Relay send, its durable commit, the push to the receiver's socket. */
  relay: number;
  /** Receiver: decrypt + the message/session transaction (and any wait behind earlier ones). */
  receive: number;
  total: number;
}

type Reply = { id: number; result?: unknown; error?: string };

/** The main thread's handle on one bare device. */
class FloorThread {
  private readonly worker = new Worker(new URL('./floor-thread.js', import.meta.url));
  private readonly calls = new Map<number, (reply: Reply) => void>();
  private nextId = 1;

  constructor() {
    this.worker.on('message', (reply: Reply) => {
      this.calls.get(reply.id)?.(reply);
      this.calls.delete(reply.id);
    });
    this.worker.on('error', (error) => this.failAll(error.stack ?? error.message));
    this.worker.on('exit', (code) => this.failAll(`floor thread exited with ${code}`));
  }

  private failAll(error: string): void {
    for (const settle of this.calls.values()) settle({ id: 0, error });
    this.calls.clear();
  }

  call<C extends keyof FloorCommands>(
    command: C,
    ...args: Parameters<FloorCommands[C]>
  ): Promise<ReturnType<FloorCommands[C]>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, (reply) =>
        reply.error === undefined
          ? resolve(reply.result as ReturnType<FloorCommands[C]>)
          : reject(new Error(reply.error)),
      );
      this.worker.postMessage({ id, command, args: args[0] });
    });
  }

  /** Closes the device if the thread still answers within a second, then ends the thread. */
  async terminate(): Promise<void> {
    const closed = this.call('close').catch(() => undefined);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    await this.worker.terminate();
  }
}

interface Pair {
  sender: FloorThread;
  receiver: FloorThread;
}

const TIMEOUT_MS = 60_000;

/** Two bare devices with a session both ways (one message each way already exchanged). */
async function makePair(relay: RelayProcess, index: number, indexedDb: boolean): Promise<Pair> {
  const sender = new FloorThread();
  const receiver = new FloorThread();
  const a = await sender.call('setup', { relayUrl: relay.url, name: `a${index}`, indexedDb });
  const b = await receiver.call('setup', { relayUrl: relay.url, name: `b${index}`, indexedDb });
  await receiver.call('pair', { accountId: a.accountId, deviceId: a.deviceId, initiate: false });
  await sender.call('pair', { accountId: b.accountId, deviceId: b.deviceId, initiate: true });
  await sender.call('send');
  await receiver.call('collect', { count: 1, timeoutMs: TIMEOUT_MS });
  await receiver.call('send');
  await sender.call('collect', { count: 1, timeoutMs: TIMEOUT_MS });
  return { sender, receiver };
}

/** Every pair sends at rate / pairs for `seconds`; the legs of every message that arrived. */
async function sendAtRate(pairs: Pair[], rate: number, seconds: number) {
  const perSecond = rate / pairs.length;
  const results = await Promise.all(
    pairs.map(async ({ sender, receiver }) => {
      const sent = await sender.call('rate', { perSecond, seconds });
      const count = sent.length;
      const received = await receiver.call('collect', { count, timeoutMs: TIMEOUT_MS });
      return { count, legs: legsOf(sent, received) };
    }),
  );
  return { sent: results.reduce((n, r) => n + r.count, 0), legs: results.flatMap((r) => r.legs) };
}

function legsOf(sent: SentTimes[], received: ReceivedTimes[]): Legs[] {
  const arrivals = new Map(received.map(([id, pushed, durable]) => [id, { pushed, durable }]));
  return sent.flatMap(([id, start, written]) => {
    const arrival = arrivals.get(id);
    if (!arrival) return [];
    const { pushed, durable } = arrival;
    const legs = { send: written - start, relay: pushed - written, receive: durable - pushed };
    return [{ ...legs, total: durable - start }];
  });
}

/** CPU ms of the relay: the child process of this one running the sync-server (Linux /proc). */
function relayCpuMs(): number {
  try {
    const children = readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
    );
    const relay = children.find((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sync-server'),
    );
    const stat = readFileSync(`/proc/${relay}/stat`, 'utf8');
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
      .map(Number);
    return ((utime ?? NaN) + (stime ?? NaN)) * 10;
  } catch {
    return NaN;
  }
}

/** Measures the floor on `relay` (started by the caller); prints and returns the figures. */
export async function floorLatency(
  relay: RelayProcess,
  options: FloorOptions,
): Promise<FloorFigures> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const pairs: Pair[] = [];
  try {
    for (let i = 0; i < options.pairs; i++) pairs.push(await makePair(relay, i, options.indexedDb));
    // Warm-up (not measured): every thread's code compiled, its caches filled.
    if (options.warmup > 0) await sendAtRate(pairs, options.rate, options.warmup);
    const figures = await measure(pairs, options);
    print(log, options, figures);
    return figures;
  } finally {
    await Promise.all(pairs.flatMap((p) => [p.sender.terminate(), p.receiver.terminate()]));
  }
}

/** One measured phase at the offered rate: latencies, their legs, CPU per message. */
async function measure(pairs: Pair[], options: FloorOptions): Promise<FloorFigures> {
  const threadUsage = () =>
    Promise.all(pairs.flatMap((p) => [p.sender.call('usage'), p.receiver.call('usage')]));
  const threadsBefore = await threadUsage();
  const relayBefore = relayCpuMs();
  const processBefore = process.cpuUsage();
  const { sent, legs } = await sendAtRate(pairs, options.rate, options.seconds);
  const processUsed = process.cpuUsage(processBefore);
  const relayUsed = relayCpuMs() - relayBefore;
  const threadsAfter = await threadUsage();
  // Threads alternate sender, receiver: side 0 sums the senders, side 1 the receivers.
  const side = (s: number, key: keyof ThreadUsage) =>
    threadsAfter
      .map((after, i) => after[key] - (threadsBefore[i]?.[key] ?? NaN))
      .filter((_, i) => i % 2 === s)
      .reduce((a, b) => a + b, 0);
  const sorted = (leg: keyof Legs) => legs.map((l) => l[leg]).sort((x, y) => x - y);
  const spread = (leg: keyof Legs) => {
    const values = sorted(leg);
    return { p50Ms: percentile(values, 50), p99Ms: percentile(values, 99) };
  };
  const total = sorted('total');
  return {
    sent,
    received: legs.length,
    p50Ms: percentile(total, 50),
    p99Ms: percentile(total, 99),
    maxMs: total.at(-1) ?? NaN,
    cpuMsPerMsg: (processUsed.user + processUsed.system) / 1000 / sent,
    senderCpuMsPerMsg: side(0, 'ms') / sent,
    receiverCpuMsPerMsg: side(1, 'ms') / sent,
    relayCpuMsPerMsg: relayUsed / sent,
    senderWakeupsPerMsg: side(0, 'wakeups') / sent,
    receiverWakeupsPerMsg: side(1, 'wakeups') / sent,
    legs: {
      send: spread('send'),
      relay: spread('relay'),
      receive: spread('receive'),
      total: spread('total'),
    },
  };
}

function print(log: (line: string) => void, options: FloorOptions, f: FloorFigures): void {
  const ms = (value: number) => value.toFixed(2);
  const storage = options.indexedDb ? 'with IndexedDB' : 'without IndexedDB (BENCH_FLOOR_NO_IDB)';
  log(
    `floor: latency at ${options.rate} msg/s offered over ${options.pairs} pairs for ${options.seconds} s ` +
      `after ${options.warmup} s of warm-up, ${storage}: ${f.received}/${f.sent} received, ` +
      `p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms`,
  );
  log(
    `floor: client CPU ${ms(f.cpuMsPerMsg)} ms per message (senders ${ms(f.senderCpuMsPerMsg)} ms, ` +
      `receivers ${ms(f.receiverCpuMsPerMsg)} ms, the process's other threads ` +
      `${ms(f.cpuMsPerMsg - f.senderCpuMsPerMsg - f.receiverCpuMsPerMsg)} ms); relay process ${ms(f.relayCpuMsPerMsg)} ms`,
  );
  log(
    `floor: wake-ups (voluntary context switches) per message: senders ` +
      `${f.senderWakeupsPerMsg.toFixed(1)}, receivers ${f.receiverWakeupsPerMsg.toFixed(1)}`,
  );
  const leg = ({ p50Ms, p99Ms }: { p50Ms: number; p99Ms: number }) =>
    `p50 ${p50Ms.toFixed(1)} / p99 ${p99Ms.toFixed(1)} ms`;
  log(
    `floor: legs: send (encrypt + outbox transaction) ${leg(f.legs.send)}; relay (send, commit, ` +
      `push) ${leg(f.legs.relay)}; receive (decrypt + message transaction) ${leg(f.legs.receive)}`,
  );
}

async function main(): Promise<void> {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const options: FloorOptions = {
    pairs: env('BENCH_PAIRS', 4),
    rate: env('BENCH_RATE', 1000),
    seconds: env('BENCH_SECONDS', 10),
    warmup: env('BENCH_WARMUP', 2),
    indexedDb: process.env.BENCH_FLOOR_NO_IDB !== '1',
  };
  process.stdout.write(`machine: ${cpus().length} cores, load average ${loadAverage()}\n`);
  const relay = await RelayProcess.start(['--log-level', 'warn', '--rate-limits', 'off']);
  try {
    const f = await floorLatency(relay, options);
    process.stdout.write(`machine: load average ${loadAverage()} at the end\n`);
    const round = (value: number) => Math.round(value * 100) / 100;
    process.stdout.write(
      JSON.stringify({
        bench: 'e2e-floor',
        pairs: options.pairs,
        rate: options.rate,
        indexed_db: options.indexedDb,
        p50_ms: round(f.p50Ms),
        p99_ms: round(f.p99Ms),
        cpu_ms_per_msg: round(f.cpuMsPerMsg),
      }) + '\n',
    );
  } finally {
    await relay.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench:floor failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
