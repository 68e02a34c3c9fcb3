/**
 * End-to-end benchmark: encrypt -> relay -> decrypt -> CRDT apply -> projection, between pairs of
 * Node clients on loopback against the real relay process; then the time a device needs to drain
 * and apply 10,000 messages queued while it was offline.
 *
 * Every device runs in its own worker thread (client-thread.ts) with its own IndexedDB, as
 * devices do; the relay is its own process. Latency of one message = from `sendText` on the
 * sender to the receiver's 'messages-received' event, which fires once the message is durably in
 * the receiver's projection; both are read on the clock the threads share.
 * The last line printed is one JSON object (see the issue): msgs_per_s is the saturation
 * throughput (all pairs sending as fast as they can); p50/p99 are measured at the offered rate.
 *
 * Environment: BENCH_PAIRS (4), BENCH_RATE (1000 msg/s total), BENCH_WARMUP (2 s at that rate,
 * not measured), BENCH_SECONDS (10), BENCH_DRAIN (10000), BENCH_PROFILE (a directory: every
 * client thread writes a CPU profile of the measured latency phase there).
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { RelayProcess } from '../test/support/relay-process.js';
import { ClientThread, type Sent } from './client-thread.js';
import { loadAverage, percentile, sharedNow } from './measure.js';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const DRAIN = Number(process.env.BENCH_DRAIN ?? 10_000);
const SATURATION_PER_PAIR = Number(process.env.BENCH_SATURATION ?? 2000);
const PROFILE = process.env.BENCH_PROFILE;

let databases = 0;
// Abuse limits off: the bench drains 10k messages from one sender as fast as it can.
const relayArgs = [
  '--log-level',
  'warn',
  '--mailbox-cap',
  String(DRAIN * 2),
  '--rate-limits',
  'off',
];

/** Two devices, each in its own worker thread (client-thread.ts). */
interface Pair {
  alice: ClientThread;
  aliceDb: string;
  bob: ClientThread;
  bobDb: string;
  conversation: string;
}

/** Sent messages and when their receiver applied each (null: never arrived). */
interface Delivery {
  sent: Sent[];
  receivedAt: Array<number | null>;
}

/** Waits (up to `timeoutMs`) for `receiver` to apply `sent`; returns when it applied each. */
async function deliveredTo(
  receiver: ClientThread,
  sent: Sent[],
  timeoutMs: number,
): Promise<Delivery> {
  const ids = sent.map(({ id }) => id);
  return { sent, receivedAt: await receiver.call('received', { ids, timeoutMs }) };
}

function latencies(deliveries: Delivery[]): number[] {
  return deliveries
    .flatMap(({ sent, receivedAt }) => sent.map(({ at }, i) => (receivedAt[i] ?? Number.NaN) - at))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
}

function receivedCount(deliveries: Delivery[]): number {
  return deliveries.reduce(
    (n, { receivedAt }) => n + receivedAt.filter((at) => at !== null).length,
    0,
  );
}

async function open(
  thread: ClientThread,
  relay: RelayProcess,
  databaseName: string,
  coalesceOutbox = true,
): Promise<void> {
  await thread.call('open', { relayUrl: relay.url, databaseName, coalesceOutbox });
}

async function makePair(relay: RelayProcess, index: number): Promise<Pair> {
  const bobDb = `bench-bob-${process.pid}-${index}-${++databases}`;
  const aliceDb = `bench-alice-${process.pid}-${index}-${++databases}`;
  const alice = new ClientThread();
  const bob = new ClientThread();
  await open(alice, relay, aliceDb);
  await open(bob, relay, bobDb);
  const tag = `${Date.now().toString(36)}${index}`;
  await alice.call('register', { username: `ba_${tag}` });
  await bob.call('register', { username: `bb_${tag}` });
  const conversation = await alice.call('openDirect', { username: `bb_${tag}` });
  // Warm up: sessions both ways, so the measured messages are ordinary ratchet messages.
  const first = await alice.call('send', { conversation, text: 'warm-up' });
  await deliveredTo(bob, [first], 30_000);
  const reply = await bob.call('send', { conversation, text: 'warm-up reply' });
  await deliveredTo(alice, [reply], 30_000);
  return { alice, aliceDb, bob, bobDb, conversation };
}

/** Client CPU (all threads of this process; the relay is another process) per message. */
function cpuPerMessage(before: NodeJS.CpuUsage, messages: number): string {
  const cpu = process.cpuUsage(before);
  return ((cpu.user + cpu.system) / 1000 / messages).toFixed(2);
}

/** Every pair sends at RATE / PAIRS msg/s for `seconds`; resolves once all arrived. */
async function sendAtRate(pairs: Pair[], seconds: number, label: string): Promise<Delivery[]> {
  const sent = await Promise.all(
    pairs.map((pair, p) =>
      pair.alice.call('rate', {
        conversation: pair.conversation,
        perSecond: RATE / pairs.length,
        seconds,
        label: `${label} p${p}`,
      }),
    ),
  );
  return Promise.all(pairs.map((pair, p) => deliveredTo(pair.bob, sent[p] ?? [], 60_000)));
}

/**
 * After WARMUP seconds at the offered rate (not measured: every thread's code is compiled and
 * its caches filled), every pair sends at RATE / PAIRS msg/s for SECONDS; returns latencies.
 */
async function latencyAtRate(
  pairs: Pair[],
): Promise<{ latencies: number[]; sent: number; received: number }> {
  if (WARMUP > 0) await sendAtRate(pairs, WARMUP, 'warm-up');
  const threads = pairs.flatMap((pair, p) => [
    { thread: pair.alice, name: `sender-${p}` },
    { thread: pair.bob, name: `receiver-${p}` },
  ]);
  if (PROFILE) await Promise.all(threads.map(({ thread }) => thread.call('profileStart')));
  const threadCpu = () => Promise.all(threads.map(({ thread }) => thread.call('cpu')));
  const threadCalls = () => Promise.all(threads.map(({ thread }) => thread.call('indexedDbCalls')));
  const callsBefore = await threadCalls();
  const threadsBefore = await threadCpu();
  const cpuBefore = process.cpuUsage();
  const deliveries = await sendAtRate(pairs, SECONDS, 'rate');
  const sent = deliveries.flatMap((delivery) => delivery.sent);
  const threadsAfter = await threadCpu();
  const threadsUsed = threadsAfter.map(({ ms }, i) => ms - (threadsBefore[i]?.ms ?? 0));
  const threadWakeups = threadsAfter.map(
    ({ wakeups }, i) => wakeups - (threadsBefore[i]?.wakeups ?? 0),
  );
  const processUsed = process.cpuUsage(cpuBefore);
  const calls = (await threadCalls()).map((after, i) => ({
    transactions: after.transactions - (callsBefore[i]?.transactions ?? 0),
    requests: after.requests - (callsBefore[i]?.requests ?? 0),
  }));
  if (PROFILE) {
    mkdirSync(PROFILE, { recursive: true });
    await Promise.all(
      threads.map(({ thread, name }) =>
        thread.call('profileStop', { path: join(PROFILE, `${name}.cpuprofile`) }),
      ),
    );
  }
  // Per thread: what a device itself costs, apart from V8's shared GC and compiler threads.
  const perMessage = (ms: number) => (ms / sent.length).toFixed(2);
  const sum = (side: number) =>
    threadsUsed.filter((_, i) => i % 2 === side).reduce((a, b) => a + b, 0);
  const total = (processUsed.user + processUsed.system) / 1000;
  process.stdout.write(
    `latency: client CPU ${perMessage(total)} ms per message ` +
      `(senders and receivers, each in its own thread)\n`,
  );
  process.stdout.write(
    `latency: CPU per message by thread: senders ${perMessage(sum(0))} ms, receivers ` +
      `${perMessage(sum(1))} ms, the process's other threads (main, V8 GC and compiler) ` +
      `${perMessage(total - sum(0) - sum(1))} ms\n`,
  );
  const wakeups = (side: number) =>
    (
      threadWakeups.filter((_, i) => i % 2 === side).reduce((a, b) => a + b, 0) / sent.length
    ).toFixed(2);
  process.stdout.write(
    `latency: wake-ups per message: senders ${wakeups(0)}, receivers ${wakeups(1)}\n`,
  );
  const perSide = (side: number, key: 'transactions' | 'requests') =>
    (calls.filter((_, i) => i % 2 === side).reduce((a, c) => a + c[key], 0) / sent.length).toFixed(
      2,
    );
  process.stdout.write(
    `latency: IndexedDB per message: senders ${perSide(0, 'transactions')} transactions, ` +
      `${perSide(0, 'requests')} requests; receivers ${perSide(1, 'transactions')} transactions, ` +
      `${perSide(1, 'requests')} requests\n`,
  );
  return {
    latencies: latencies(deliveries),
    sent: sent.length,
    received: receivedCount(deliveries),
  };
}

/** Every pair sends SATURATION_PER_PAIR messages at once; delivered messages per second. */
async function saturation(pairs: Pair[]): Promise<number> {
  const start = sharedNow();
  const cpuBefore = process.cpuUsage();
  const deliveries = await Promise.all(
    pairs.map(async (pair, p) => {
      const sent = await pair.alice.call('burst', {
        conversation: pair.conversation,
        count: SATURATION_PER_PAIR,
        label: `saturate p${p}`,
      });
      return deliveredTo(pair.bob, sent, 120_000);
    }),
  );
  const sent = deliveries.flatMap((delivery) => delivery.sent);
  const last = Math.max(
    ...deliveries.flatMap(({ receivedAt }) => receivedAt.map((at) => at ?? NaN)),
  );
  process.stdout.write(
    `saturation: client CPU ${cpuPerMessage(cpuBefore, sent.length)} ms per message ` +
      `(senders and receivers), wall ${((last - start) / sent.length).toFixed(2)} ms per message\n`,
  );
  return sent.length / ((last - start) / 1000);
}

/**
 * Bob goes offline, Alice queues DRAIN messages at the relay as DRAIN separate envelopes (outbox
 * coalescing off: the worst case, as when messages trickle in over a day), Bob comes back:
 * seconds until all are decrypted, applied and durable.
 */
async function drain(relay: RelayProcess, pair: Pair): Promise<number> {
  await pair.bob.call('close');
  await pair.alice.call('close');
  await open(pair.alice, relay, pair.aliceDb, false);
  const sent = await pair.alice.call('burst', {
    conversation: pair.conversation,
    count: DRAIN,
    label: 'drain',
  });
  await pair.alice.call('waitSent', {
    conversation: pair.conversation,
    ids: sent.map(({ id }) => id),
  });
  const start = sharedNow();
  const cpuBefore = process.cpuUsage();
  await open(pair.bob, relay, pair.bobDb);
  const delivery = await deliveredTo(pair.bob, sent, 120_000);
  await pair.bob.call('settled');
  const seconds = (sharedNow() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const received = receivedCount([delivery]);
  // CPU beside wall time: on a shared machine the wall time mostly measures the other tenants.
  process.stdout.write(
    `drain: ${received}/${DRAIN} applied in ${seconds.toFixed(2)} s, client process CPU ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (receiver, and the sender taking its receipts)\n`,
  );
  return seconds;
}

async function main(): Promise<void> {
  process.stdout.write(`machine: ${cpus().length} cores, load average ${loadAverage()}\n`);
  const relay = await RelayProcess.start(relayArgs);
  const pairs: Pair[] = [];
  try {
    for (let i = 0; i < PAIRS; i++) pairs.push(await makePair(relay, i));
    const rate = await latencyAtRate(pairs);
    const p50 = percentile(rate.latencies, 50);
    const p99 = percentile(rate.latencies, 99);
    process.stdout.write(
      `latency at ${RATE} msg/s offered over ${PAIRS} pairs for ${SECONDS} s after ${WARMUP} s of warm-up: ` +
        `${rate.received}/${rate.sent} received, ` +
        `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(rate.latencies.at(-1) ?? NaN).toFixed(1)} ms\n`,
    );
    const throughput = await saturation(pairs);
    process.stdout.write(
      `saturation: ${throughput.toFixed(0)} msg/s delivered (${SATURATION_PER_PAIR} per pair at once)\n`,
    );
    const drainSeconds = await drain(relay, pairs[0]!);
    process.stdout.write(`machine: load average ${loadAverage()} at the end\n`);
    process.stdout.write(
      JSON.stringify({
        bench: 'e2e',
        msgs_per_s: Math.round(throughput),
        p50_ms: round(p50),
        p99_ms: round(p99),
        drain_10k_s: round(drainSeconds),
      }) + '\n',
    );
  } finally {
    for (const pair of pairs) {
      await pair.alice.call('close').catch(() => undefined);
      await pair.bob.call('close').catch(() => undefined);
      await pair.alice.terminate();
      await pair.bob.terminate();
    }
    await relay.stop();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:e2e failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
