/**
 * Bad input gets a clear error and never a crash: every deserializer of the primitive layer is fed
 * seeded random garbage and mutations of valid encodings, and must either parse or throw the
 * engine's own error (LibSignalErrorBase), never a TypeError, RangeError or the like. The seed is
 * printed on failure; set GARBAGE_SEED to replay one.
 */
import { describe, expect, it } from 'vitest';
import { LibSignalErrorBase } from '../../src/error.js';
import { IdentityKeyPair, PrivateKey, PublicKey } from '../../src/curve/index.js';
import { KEMKeyPair, KEMPublicKey, KEMSecretKey } from '../../src/kem/index.js';
import { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '../../src/records/index.js';
import {
  SenderKeyDistributionMessage,
  SenderKeyMessage,
  SenderKeyRecord,
} from '../../src/sender-keys/index.js';
import { Fingerprint, ScannableFingerprint } from '../../src/fingerprint/index.js';
import { garbage, seedFromEnv, xorshift32 } from './garbage.js';

const seed = seedFromEnv('GARBAGE_SEED');

const key = PrivateKey.generate();
const kem = KEMKeyPair.generate();
const signer = PrivateKey.generate();
const DIST = '0f0e0d0c-0b0a-4908-8706-050403020100';
const valid: Record<string, Uint8Array> = {
  publicKey: key.getPublicKey().serialize(),
  identityKeyPair: new IdentityKeyPair(key.getPublicKey(), key).serialize(),
  preKeyRecord: PreKeyRecord.new(1, key.getPublicKey(), key).serialize(),
  signedPreKeyRecord: SignedPreKeyRecord.new(
    2,
    3,
    key.getPublicKey(),
    key,
    new Uint8Array(64),
  ).serialize(),
  kyberPreKeyRecord: KyberPreKeyRecord.new(4, 5, kem, new Uint8Array(64)).serialize(),
  kemPublicKey: kem.getPublicKey().serialize(),
  senderKeyMessage: SenderKeyMessage._new(3, DIST, 1, 2, new Uint8Array(32), signer).serialize(),
  senderKeyDistributionMessage: SenderKeyDistributionMessage._new(
    3,
    DIST,
    1,
    2,
    new Uint8Array(32),
    signer.getPublicKey(),
  ).serialize(),
  scannable: Fingerprint.new(
    2,
    2,
    Uint8Array.of(1),
    key.getPublicKey(),
    Uint8Array.of(2),
    signer.getPublicKey(),
  )
    .scannableFingerprint()
    .toBuffer(),
};

/** Each parser also touches what it parsed, so lazily parsed parts are exercised too. */
const parsers: Record<string, (bytes: Uint8Array) => unknown> = {
  publicKey: (b) => PublicKey.deserialize(b).verify(b, b),
  privateKey: (b) => PrivateKey.deserialize(b).getPublicKey(),
  identityKeyPair: (b) => IdentityKeyPair.deserialize(b),
  preKeyRecord: (b) => {
    const r = PreKeyRecord.deserialize(b);
    return [r.id(), r.publicKey(), r.privateKey()];
  },
  signedPreKeyRecord: (b) => {
    const r = SignedPreKeyRecord.deserialize(b);
    return [r.id(), r.timestamp(), r.signature(), r.publicKey(), r.privateKey()];
  },
  kyberPreKeyRecord: (b) => {
    const r = KyberPreKeyRecord.deserialize(b);
    return [r.id(), r.timestamp(), r.signature(), r.publicKey(), r.secretKey()];
  },
  kemPublicKey: (b) => KEMPublicKey.deserialize(b)._encapsulate(),
  kemSecretKey: (b) => KEMSecretKey.deserialize(b),
  senderKeyMessage: (b) => {
    const m = SenderKeyMessage.deserialize(b);
    return [m.distributionId(), m.verifySignature(signer.getPublicKey())];
  },
  senderKeyDistributionMessage: (b) => SenderKeyDistributionMessage.deserialize(b).distributionId(),
  senderKeyRecord: (b) => SenderKeyRecord.deserialize(b).serialize(),
  scannable: (b) =>
    Fingerprint.new(
      2,
      2,
      Uint8Array.of(1),
      key.getPublicKey(),
      Uint8Array.of(2),
      signer.getPublicKey(),
    )
      .scannableFingerprint()
      .compare(ScannableFingerprint._fromBuffer(b)),
};

/** Mutations of valid encodings, and random bytes one time in three. */
const SHAPE = { randomOneIn: 3, maxRandomLength: 120 };

describe(`garbage input (seed ${seed})`, () => {
  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name}: parses or throws LibSignalErrorBase, never anything else`, () => {
      const next = xorshift32(seed ^ (name.length * 2654435761));
      for (let round = 0; round < 150; round++) {
        const input = garbage(next, valid[name], SHAPE);
        try {
          parse(input);
        } catch (err) {
          expect(
            err,
            `seed ${seed}, round ${round}, input ${Array.from(input).join(',')}`,
          ).toBeInstanceOf(LibSignalErrorBase);
        }
      }
    });
  }
});
