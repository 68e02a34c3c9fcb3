/**
 * Corrupted input never crashes the session layer: mutated wire messages and mutated stored
 * records either work or raise a libsignal error (never a TypeError or RangeError), and a corrupt
 * record used for decryption fails the same way. Seeded; SESSION_GARBAGE_SEED replays a run.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolAddress } from '../address.js';
import { IdentityKeyPair, PrivateKey } from '../curve/index.js';
import { LibSignalErrorBase } from '../error.js';
import { KEMKeyPair } from '../kem/index.js';
import { PreKeySignalMessage, SignalMessage } from '../protocol-messages/index.js';
import { KyberPreKeyRecord, SignedPreKeyRecord } from '../records/index.js';
import {
  InMemoryIdentityKeyStore,
  InMemoryKyberPreKeyStore,
  InMemoryPreKeyStore,
  InMemorySessionStore,
  InMemorySignedPreKeyStore,
} from '../storage/index.js';
import {
  PreKeyBundle,
  processPreKeyBundle,
  SessionRecord,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from './index.js';
import { garbage, seedFromEnv, xorshift32 } from '../../test/unit/garbage.js';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const SEED = seedFromEnv('SESSION_GARBAGE_SEED');
const ROUNDS = Number(env?.SESSION_GARBAGE_ROUNDS ?? 300);

/** Mutations of valid encodings, and random bytes one time in ten. */
function mutate(next: () => number, valid: Uint8Array): Uint8Array {
  return garbage(next, valid, { randomOneIn: 10, maxRandomLength: 200 });
}

async function expectNoCrash(what: string, action: () => unknown): Promise<void> {
  try {
    await action();
  } catch (error) {
    expect(error, `${what} (SESSION_GARBAGE_SEED=${SEED})`).toBeInstanceOf(LibSignalErrorBase);
  }
}

async function fixture() {
  const address = (name: string) => ProtocolAddress.new(name, 1);
  const aliceAddress = address(crypto.randomUUID());
  const bobAddress = address(crypto.randomUUID());
  const aliceIdentity = IdentityKeyPair.generate();
  const bobIdentity = IdentityKeyPair.generate();
  const alice = {
    sessions: new InMemorySessionStore(),
    identities: new InMemoryIdentityKeyStore(aliceIdentity, 11),
  };
  const bob = {
    sessions: new InMemorySessionStore(),
    identities: new InMemoryIdentityKeyStore(bobIdentity, 22),
    preKeys: new InMemoryPreKeyStore(),
    signed: new InMemorySignedPreKeyStore(),
    kyber: new InMemoryKyberPreKeyStore(),
  };
  const spk = PrivateKey.generate();
  const kem = KEMKeyPair.generate();
  const spkSig = bobIdentity.privateKey.sign(spk.getPublicKey().serialize());
  const kemSig = bobIdentity.privateKey.sign(kem.getPublicKey().serialize());
  await bob.signed.saveSignedPreKey(
    1,
    SignedPreKeyRecord.new(1, 0, spk.getPublicKey(), spk, spkSig),
  );
  await bob.kyber.saveKyberPreKey(2, KyberPreKeyRecord.new(2, 0, kem, kemSig));
  const bundle = PreKeyBundle.new(
    22,
    1,
    null,
    null,
    1,
    spk.getPublicKey(),
    spkSig,
    bobIdentity.publicKey,
    2,
    kem.getPublicKey(),
    kemSig,
  );
  await processPreKeyBundle(bundle, bobAddress, aliceAddress, alice.sessions, alice.identities);
  const send = (text: string) =>
    signalEncrypt(
      new TextEncoder().encode(text),
      bobAddress,
      aliceAddress,
      alice.sessions,
      alice.identities,
    );
  const preKey = await send('first');
  await signalDecryptPreKey(
    PreKeySignalMessage.deserialize(preKey.serialize()),
    aliceAddress,
    bobAddress,
    bob.sessions,
    bob.identities,
    bob.preKeys,
    bob.signed,
    bob.kyber,
  );
  // Leave skipped keys behind on Bob's side, and archive one state, so the record has every part.
  await send('lost');
  const third = await send('third');
  await signalDecryptPreKey(
    PreKeySignalMessage.deserialize(third.serialize()),
    aliceAddress,
    bobAddress,
    bob.sessions,
    bob.identities,
    bob.preKeys,
    bob.signed,
    bob.kyber,
  );
  const reply = await signalEncrypt(
    new TextEncoder().encode('reply'),
    aliceAddress,
    bobAddress,
    bob.sessions,
    bob.identities,
  );
  await signalDecrypt(
    SignalMessage.deserialize(reply.serialize()),
    bobAddress,
    aliceAddress,
    alice.sessions,
    alice.identities,
  );
  const next = await send('next');
  const bobRecord = (await bob.sessions.getSession(aliceAddress))!;
  return {
    aliceAddress,
    bobAddress,
    bob,
    preKey: preKey.serialize(),
    next: next.serialize(),
    record: bobRecord.serialize(),
  };
}

describe('corrupted input in the session layer', () => {
  it('mutated SignalMessage and PreKeySignalMessage bytes parse or raise a libsignal error', async () => {
    const f = await fixture();
    const next = xorshift32(SEED);
    for (let round = 0; round < ROUNDS; round++) {
      const whisper = mutate(next, f.next);
      await expectNoCrash('SignalMessage', () => SignalMessage.deserialize(whisper).counter());
      const preKey = mutate(next, f.preKey);
      await expectNoCrash('PreKeySignalMessage', () =>
        PreKeySignalMessage.deserialize(preKey).signedPreKeyId(),
      );
    }
  });

  it('a mutated stored record loads or raises a libsignal error, and decrypting with it never crashes', async () => {
    const f = await fixture();
    const next = xorshift32(SEED + 1);
    const message = SignalMessage.deserialize(f.next);
    for (let round = 0; round < ROUNDS; round++) {
      const bytes = mutate(next, f.record);
      let record: SessionRecord;
      try {
        record = SessionRecord.deserialize(bytes);
      } catch (error) {
        expect(error, `record (SESSION_GARBAGE_SEED=${SEED})`).toBeInstanceOf(LibSignalErrorBase);
        continue;
      }
      await expectNoCrash('record use', () => {
        record.hasCurrentState();
        record.serialize();
        return record.remoteRegistrationId();
      });
      const sessions = new InMemorySessionStore();
      await sessions.saveSession(f.aliceAddress, record);
      await expectNoCrash('decrypt with corrupt record', () =>
        signalDecrypt(message, f.aliceAddress, f.bobAddress, sessions, f.bob.identities),
      );
    }
  });
});
