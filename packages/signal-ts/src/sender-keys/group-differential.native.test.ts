/**
 * Seeded randomized differential test of sender keys: one sender (signal-ts or native) and two
 * receivers, one per engine, fed the same random schedule of sends, deliveries (in any order,
 * duplicated), drops, bursts, rotations and cross-engine restarts (each receiver's stored record
 * is handed to the other engine). At every delivery both receivers must give the same answer: the
 * same plaintext, or an error with the same code. SEED=<n> replays a run; the seed is in the title.
 */
import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { NativeSenderKeyStore } from '../../test/unit/native/native-sender-key-store.js';
import { Prng, seedFromEnvironment } from '../../test/interop/random/prng.js';
import { ProtocolAddress } from '../address.js';
import { LibSignalErrorBase } from '../error.js';
import { InMemorySenderKeyStore } from '../storage/index.js';
import {
  groupDecrypt,
  groupEncrypt,
  processSenderKeyDistributionMessage,
  SenderKeyDistributionMessage,
  SenderKeyRecord,
} from './index.js';

const DIST = '5e5e5e5e-1111-4222-8333-444455556666';
const NAME = 'sender';
const oursAddress = ProtocolAddress.new(NAME, 3);
const nativeAddress = native.ProtocolAddress.new(NAME, 3);
const STEPS = 400;

type Outcome = { ok: true; text: string } | { ok: false; code: number };

async function outcome(run: () => Promise<Uint8Array>): Promise<Outcome> {
  try {
    return { ok: true, text: new TextDecoder().decode(await run()) };
  } catch (err) {
    if (err instanceof LibSignalErrorBase) return { ok: false, code: err.code };
    if (err instanceof native.LibSignalErrorBase) return { ok: false, code: err.code };
    throw err;
  }
}

/** The sender side of either engine: distribution, encryption, and forgetting its chain. */
type Bytes = Uint8Array<ArrayBuffer>;

interface Sender {
  distribution(): Promise<Bytes>;
  encrypt(text: string): Promise<Bytes>;
  rotate(): void;
}

function oursSender(): Sender {
  let store = new InMemorySenderKeyStore();
  return {
    distribution: async () =>
      (await SenderKeyDistributionMessage.create(oursAddress, DIST, store)).serialize(),
    encrypt: async (text) =>
      (await groupEncrypt(oursAddress, DIST, store, new TextEncoder().encode(text))).serialize(),
    rotate: () => {
      store = new InMemorySenderKeyStore();
    },
  };
}

function nativeSender(): Sender {
  const store = new NativeSenderKeyStore();
  return {
    distribution: async () =>
      (await native.SenderKeyDistributionMessage.create(nativeAddress, DIST, store)).serialize(),
    encrypt: async (text) =>
      (
        await native.groupEncrypt(nativeAddress, DIST, store, new TextEncoder().encode(text))
      ).serialize(),
    rotate: () => store.records.clear(),
  };
}

async function run(seed: number, sender: Sender): Promise<Record<string, number>> {
  const prng = new Prng(seed);
  const ourStore = new InMemorySenderKeyStore();
  const nativeStore = new NativeSenderKeyStore();
  const distribute = async () => {
    const skdm = await sender.distribution();
    await processSenderKeyDistributionMessage(
      oursAddress,
      SenderKeyDistributionMessage.deserialize(skdm),
      ourStore,
    );
    await native.processSenderKeyDistributionMessage(
      nativeAddress,
      native.SenderKeyDistributionMessage.deserialize(skdm),
      nativeStore,
    );
  };
  await distribute();
  const pool: Bytes[] = [];
  const stats: Record<string, number> = { ok: 0, refused: 0 };
  let counter = 0;
  for (let step = 0; step < STEPS; step++) {
    const action = prng.weighted({ send: 40, deliver: 40, drop: 5, burst: 2, rotate: 3, swap: 4 });
    if (action === 'send') pool.push(await sender.encrypt(`m${counter++}`));
    if (action === 'burst')
      for (let i = 0; i < 30; i++) pool.push(await sender.encrypt(`m${counter++}`));
    if (action === 'drop' && pool.length > 0) pool.splice(prng.below(pool.length), 1);
    if (action === 'rotate') {
      sender.rotate();
      await distribute();
    }
    if (action === 'swap') {
      // Cross-engine restart: each receiver continues from the other engine's stored record.
      const fromNative = nativeStore.records.get(`${nativeAddress.toString()}/${DIST}`)!;
      const fromOurs = (await ourStore.getSenderKey(oursAddress, DIST))!.serialize();
      await ourStore.saveSenderKey(oursAddress, DIST, SenderKeyRecord.deserialize(fromNative));
      nativeStore.records.set(`${nativeAddress.toString()}/${DIST}`, new Uint8Array(fromOurs));
    }
    if (action === 'deliver' && pool.length > 0) {
      // Half the time the message stays in the pool, so it may be delivered again (a replay).
      const index = prng.below(pool.length);
      const message = pool[index]!;
      if (prng.chance(0.5)) pool.splice(index, 1);
      const ours = await outcome(() => groupDecrypt(oursAddress, ourStore, message));
      const theirs = await outcome(() => native.groupDecrypt(nativeAddress, nativeStore, message));
      expect(ours, `seed ${seed}, step ${step}`).toEqual(theirs);
      stats[ours.ok ? 'ok' : 'refused']!++;
    }
  }
  return stats;
}

const seed = seedFromEnvironment(undefined);

describe(`sender-key differential against native (seed ${seed})`, () => {
  it('signal-ts sender: both engines answer every delivery alike', async () => {
    const stats = await run(seed, oursSender());
    expect(stats.ok).toBeGreaterThan(10);
    expect(stats.refused).toBeGreaterThan(0);
  });

  it('native sender: both engines answer every delivery alike', async () => {
    const stats = await run((seed ^ 0x5a5a5a5a) >>> 0, nativeSender());
    expect(stats.ok).toBeGreaterThan(10);
    expect(stats.refused).toBeGreaterThan(0);
  });
});
