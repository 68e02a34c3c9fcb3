import { MAX_REGISTRATION_ID } from '@parley/protocol';
import type {
  IdentityKeyPair,
  KyberPreKeyRecord,
  PreKeyRecord,
  SignalEngine,
  SignedPreKeyRecord,
} from './engine.js';

/** How many one-time prekeys (EC and Kyber each) a device uploads at a time (at most MAX_PREKEYS_PER_UPLOAD). */
export const PREKEY_BATCH = 100;
/** Refill when the relay reports fewer one-time prekeys than this. */
export const PREKEY_REFILL_THRESHOLD = 20;
/** Prekey ids live in 1..0xFFFFFF (libsignal's medium-id space). */
const MAX_PREKEY_ID = 0xffffff;

/** A random registration id in libsignal's 14-bit range (1..MAX_REGISTRATION_ID). */
export function generateRegistrationId(): number {
  const [value] = crypto.getRandomValues(new Uint16Array(1));
  return ((value ?? 0) % MAX_REGISTRATION_ID) + 1;
}

export function nextPreKeyId(id: number): number {
  return id >= MAX_PREKEY_ID ? 1 : id + 1;
}

export function generateSignedPreKey(
  engine: SignalEngine,
  identity: IdentityKeyPair,
  id: number,
): SignedPreKeyRecord {
  const key = engine.PrivateKey.generate();
  const publicKey = key.getPublicKey();
  const signature = identity.privateKey.sign(publicKey.serialize());
  return engine.SignedPreKeyRecord.new(id, Date.now(), publicKey, key, signature);
}

export function generateKyberPreKey(
  engine: SignalEngine,
  identity: IdentityKeyPair,
  id: number,
): KyberPreKeyRecord {
  const keyPair = engine.KEMKeyPair.generate();
  const signature = identity.privateKey.sign(keyPair.getPublicKey().serialize());
  return engine.KyberPreKeyRecord.new(id, Date.now(), keyPair, signature);
}

export function generatePreKeys(
  engine: SignalEngine,
  firstId: number,
  count: number,
): PreKeyRecord[] {
  const records: PreKeyRecord[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    const key = engine.PrivateKey.generate();
    records.push(engine.PreKeyRecord.new(id, key.getPublicKey(), key));
    id = nextPreKeyId(id);
  }
  return records;
}

export function generateKyberPreKeys(
  engine: SignalEngine,
  identity: IdentityKeyPair,
  firstId: number,
  count: number,
): KyberPreKeyRecord[] {
  const records: KyberPreKeyRecord[] = [];
  let id = firstId;
  for (let i = 0; i < count; i++) {
    records.push(generateKyberPreKey(engine, identity, id));
    id = nextPreKeyId(id);
  }
  return records;
}
