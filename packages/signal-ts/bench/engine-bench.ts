/**
 * `npm run bench:engine`: 1:1 messages (encrypt + decrypt) through both engines in the same
 * process, and group (sender-key) messages through signal-ts, with the same in-memory stores
 * and the same message pattern for each. Run through run-engine-bench.mjs (Vite's module
 * runner), which prints the last line.
 */
import type { Engine } from '../test/interop/harness/engine.js';
import { native, ts } from '../test/interop/harness/engines.js';
import { Party, text } from '../test/interop/harness/party.js';

export interface EngineBenchResult {
  bench: 'engine';
  native_msgs_per_s: number;
  ts_msgs_per_s: number;
  ratio: number;
  group_ts_msgs_per_s: number;
}

const MESSAGE = text('x'.repeat(160));
/** Messages per direction before the other side answers: a DH ratchet step every turn. */
const TURN = 10;

/** Messages per second for `count` 1:1 messages, alternating turns of TURN messages. */
async function oneToOne(engine: Engine, count: number): Promise<number> {
  const alice = Party.create(engine);
  const bob = Party.create(engine);
  await alice.initiate(bob.id, bob.publishBundle());
  await bob.decrypt(alice.id, await alice.encrypt(bob.id, MESSAGE));
  const started = performance.now();
  for (let sent = 0; sent < count; sent++) {
    const [from, to] = Math.floor(sent / TURN) % 2 === 0 ? [bob, alice] : [alice, bob];
    await to.decrypt(from.id, await from.encrypt(to.id, MESSAGE));
  }
  return count / ((performance.now() - started) / 1000);
}

/** Messages per second for `count` group messages, each decrypted by one member. */
async function group(engine: Engine, count: number): Promise<number> {
  const sender = Party.create(engine);
  const member = Party.create(engine);
  const distributionId = crypto.randomUUID();
  await member.processDistribution(sender.id, await sender.createDistribution(distributionId));
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const outcome = await member.tryGroupDecrypt(
      sender.id,
      await sender.groupEncrypt(distributionId, MESSAGE),
    );
    if (!outcome.ok) throw new Error(`group message ${i} failed: ${outcome.message}`);
  }
  return count / ((performance.now() - started) / 1000);
}

/** Best of `rounds` after a warm-up: the steady state, not JIT or GC noise. */
async function best(rounds: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  let top = 0;
  for (let round = 0; round < rounds; round++) top = Math.max(top, await measure());
  return top;
}

export async function runEngineBench(log: (line: string) => void): Promise<EngineBenchResult> {
  const count = Number(process.env.BENCH_MESSAGES ?? 2000);
  const rounds = 3;
  log(`1:1: ${count} messages x ${rounds} rounds per engine, 160-byte bodies, turns of ${TURN}`);
  const nativeRate = await best(rounds, () => oneToOne(native, count));
  log(`native 1:1: ${nativeRate.toFixed(0)} msgs/s`);
  const tsRate = await best(rounds, () => oneToOne(ts, count));
  log(`ts 1:1: ${tsRate.toFixed(0)} msgs/s`);
  const nativeGroup = await best(rounds, () => group(native, count));
  log(`native group (for reference): ${nativeGroup.toFixed(0)} msgs/s`);
  const tsGroup = await best(rounds, () => group(ts, count));
  log(`ts group: ${tsGroup.toFixed(0)} msgs/s`);
  return {
    bench: 'engine',
    native_msgs_per_s: Math.round(nativeRate),
    ts_msgs_per_s: Math.round(tsRate),
    ratio: Number((tsRate / nativeRate).toFixed(3)),
    group_ts_msgs_per_s: Math.round(tsGroup),
  };
}
