/**
 * End-to-end benchmark: encrypt -> relay -> decrypt -> CRDT apply -> projection, between pairs of
 * Node clients on loopback against the real relay process; then the time a device needs to drain
 * and apply 10,000 messages queued while it was offline.
 *
 * Latency of one message = from `sendText` on the sender to the receiver's 'messages-received'
 * event, which fires once the message is durably in the receiver's projection.
 * The last line printed is one JSON object (see the issue): msgs_per_s is the saturation
 * throughput (all pairs sending as fast as they can); p50/p99 are measured at the offered rate.
 *
 * Environment: BENCH_PAIRS (4), BENCH_RATE (1000 msg/s total), BENCH_SECONDS (10), BENCH_DRAIN (10000).
 */
import 'fake-indexeddb/auto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createMessenger } from '../src/index.js';
import type { Messenger } from '../src/messenger/api.js';
import { nativeEngine } from '../src/native.js';
import { RelayProcess } from '../test/support/relay-process.js';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DRAIN = Number(process.env.BENCH_DRAIN ?? 10_000);
const SATURATION_PER_PAIR = Number(process.env.BENCH_SATURATION ?? 2000);

let databases = 0;
const relayArgs = ['--log-level', 'warn', '--mailbox-cap', String(DRAIN * 2)];

interface Pair {
  alice: Messenger;
  aliceDb: string;
  bob: Messenger;
  bobDb: string;
  conversation: string;
}

/** Send times by message id, and receive times by message id (either may be recorded first). */
class Clock {
  readonly sentAt = new Map<string, number>();
  readonly receivedAt = new Map<string, number>();
  private waiters: Array<() => void> = [];

  watch(receiver: Messenger): void {
    receiver.on((event) => {
      if (event.type !== 'messages-received') return;
      const now = performance.now();
      for (const id of event.messageIds) this.receivedAt.set(id, now);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) return false;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return true;
  }

  latencies(ids: string[]): number[] {
    return ids
      .map((id) => (this.receivedAt.get(id) ?? Number.NaN) - (this.sentAt.get(id) ?? Number.NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
  }
}

async function open(
  relay: RelayProcess,
  databaseName = `bench-${process.pid}-${++databases}`,
  coalesceOutbox = true,
): Promise<Messenger> {
  return createMessenger({
    relayUrl: relay.url,
    databaseName,
    engine: nativeEngine,
    WebSocket,
    coalesceOutbox,
  });
}

async function makePair(relay: RelayProcess, index: number): Promise<Pair> {
  const bobDb = `bench-bob-${process.pid}-${index}-${++databases}`;
  const aliceDb = `bench-alice-${process.pid}-${index}-${++databases}`;
  const alice = await open(relay, aliceDb);
  const bob = await open(relay, bobDb);
  const tag = `${Date.now().toString(36)}${index}`;
  await alice.register(`ba_${tag}`);
  await bob.register(`bb_${tag}`);
  const conversation = await alice.openDirectConversation(`bb_${tag}`);
  // Warm up: sessions both ways, so the measured messages are ordinary ratchet messages.
  const clock = new Clock();
  clock.watch(bob);
  clock.watch(alice);
  const first = await alice.sendText(conversation, 'warm-up');
  await clock.until(() => clock.receivedAt.has(first), 30_000);
  const reply = await bob.sendText(conversation, 'warm-up reply');
  await clock.until(() => clock.receivedAt.has(reply), 30_000);
  return { alice, aliceDb, bob, bobDb, conversation };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Every pair sends at RATE / PAIRS msg/s for SECONDS; returns latencies of all messages. */
async function latencyAtRate(
  pairs: Pair[],
): Promise<{ latencies: number[]; sent: number; received: number }> {
  const clock = new Clock();
  for (const pair of pairs) clock.watch(pair.bob);
  const ids: string[] = [];
  const perPair = RATE / pairs.length;
  const start = performance.now();
  const sends: Promise<void>[] = [];
  let due = 0;
  while (performance.now() - start < SECONDS * 1000) {
    const target = Math.floor(((performance.now() - start) / 1000) * perPair);
    for (; due < target; due++) {
      for (const [p, pair] of pairs.entries()) {
        const sentAt = performance.now();
        sends.push(
          pair.alice.sendText(pair.conversation, `rate p${p} #${due}`).then((id) => {
            clock.sentAt.set(id, sentAt);
            ids.push(id);
          }),
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(sends);
  await clock.until(() => ids.every((id) => clock.receivedAt.has(id)), 60_000);
  return {
    latencies: clock.latencies(ids),
    sent: ids.length,
    received: ids.filter((id) => clock.receivedAt.has(id)).length,
  };
}

/** Every pair sends SATURATION_PER_PAIR messages at once; delivered messages per second. */
async function saturation(pairs: Pair[]): Promise<number> {
  const clock = new Clock();
  for (const pair of pairs) clock.watch(pair.bob);
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const ids = (
    await Promise.all(
      pairs.flatMap((pair, p) =>
        Array.from({ length: SATURATION_PER_PAIR }, (_, i) =>
          pair.alice.sendText(pair.conversation, `saturate p${p} #${i}`),
        ),
      ),
    )
  ).flat();
  await clock.until(() => ids.every((id) => clock.receivedAt.has(id)), 120_000);
  const last = Math.max(...ids.map((id) => clock.receivedAt.get(id) ?? Number.NaN));
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(
    `saturation: client process CPU ${((cpu.user + cpu.system) / 1000 / ids.length).toFixed(2)} ms per message ` +
      `(sender and receiver, both in this process), wall ${((last - start) / ids.length).toFixed(2)} ms per message\n`,
  );
  return ids.length / ((last - start) / 1000);
}

/**
 * Bob goes offline, Alice queues DRAIN messages at the relay as DRAIN separate envelopes (outbox
 * coalescing off: the worst case, as when messages trickle in over a day), Bob comes back:
 * seconds until all are decrypted, applied and durable.
 */
async function drain(relay: RelayProcess, pair: Pair): Promise<number> {
  await pair.bob.close();
  await pair.alice.close();
  pair.alice = await open(relay, pair.aliceDb, false);
  const ids = await Promise.all(
    Array.from({ length: DRAIN }, (_, i) => pair.alice.sendText(pair.conversation, `drain #${i}`)),
  );
  const messages = pair.alice.messages(pair.conversation);
  const acked = new Clock();
  await acked.until(() => {
    const pending = new Set(
      messages
        .getSnapshot()
        .filter((m) => m.status === 'pending')
        .map((m) => m.id),
    );
    return ids.every((id) => !pending.has(id));
  }, 300_000);
  const clock = new Clock();
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  const bob = await open(relay, pair.bobDb);
  clock.watch(bob);
  await clock.until(() => ids.every((id) => clock.receivedAt.has(id)), 120_000);
  await bob.settled();
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const received = ids.filter((id) => clock.receivedAt.has(id)).length;
  // CPU beside wall time: on a shared machine the wall time mostly measures the other tenants.
  process.stdout.write(
    `drain: ${received}/${DRAIN} applied in ${seconds.toFixed(2)} s, client process CPU ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (receiver, and the sender taking its receipts)\n`,
  );
  pair.bob = bob;
  return seconds;
}

async function main(): Promise<void> {
  // Figures depend on what else runs on the machine: print it with them.
  process.stdout.write(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  const relay = await RelayProcess.start(relayArgs);
  const pairs: Pair[] = [];
  try {
    for (let i = 0; i < PAIRS; i++) pairs.push(await makePair(relay, i));
    const rate = await latencyAtRate(pairs);
    const p50 = percentile(rate.latencies, 50);
    const p99 = percentile(rate.latencies, 99);
    process.stdout.write(
      `latency at ${RATE} msg/s offered over ${PAIRS} pairs for ${SECONDS} s: ${rate.received}/${rate.sent} received, ` +
        `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(rate.latencies.at(-1) ?? NaN).toFixed(1)} ms\n`,
    );
    const throughput = await saturation(pairs);
    process.stdout.write(
      `saturation: ${throughput.toFixed(0)} msg/s delivered (${SATURATION_PER_PAIR} per pair at once)\n`,
    );
    const drainSeconds = await drain(relay, pairs[0]!);
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
      await pair.alice.close();
      await pair.bob.close();
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
