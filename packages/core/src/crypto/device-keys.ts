import type {
  IdentityKeyPair,
  KyberPreKeyRecord,
  PreKeyBundle,
  PreKeyRecord,
  SignalEngine,
  SignedPreKeyRecord,
} from './engine.js';
import {
  PREKEY_BATCH,
  generateKyberPreKey,
  generateKyberPreKeys,
  generatePreKeys,
  generateRegistrationId,
  generateSignedPreKey,
} from './prekeys.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import type {
  DeviceBundleJson,
  DeviceKeysJson,
  PreKeyJson,
  SignedPreKeyJson,
} from '@parley/protocol';

/** Id of a device's signed prekey and of its last-resort Kyber prekey (one each, not rotated yet). */
export const SIGNED_PREKEY_ID = 1;
export const LAST_RESORT_KYBER_ID = 1;
/** One-time Kyber prekeys start above the last-resort id. */
export const FIRST_ONE_TIME_KYBER_ID = 2;

/** Everything a new device generates and keeps private, plus what it publishes. */
export interface NewDeviceKeys {
  registrationId: number;
  signedPreKey: SignedPreKeyRecord;
  lastResortKyberPreKey: KyberPreKeyRecord;
  preKeys: PreKeyRecord[];
  kyberPreKeys: KyberPreKeyRecord[];
  published: DeviceKeysJson;
}

export function generateDeviceKeys(engine: SignalEngine, identity: IdentityKeyPair): NewDeviceKeys {
  const registrationId = generateRegistrationId();
  const signedPreKey = generateSignedPreKey(engine, identity, SIGNED_PREKEY_ID);
  const lastResortKyberPreKey = generateKyberPreKey(engine, identity, LAST_RESORT_KYBER_ID);
  const preKeys = generatePreKeys(engine, 1, PREKEY_BATCH);
  const kyberPreKeys = generateKyberPreKeys(
    engine,
    identity,
    FIRST_ONE_TIME_KYBER_ID,
    PREKEY_BATCH,
  );
  return {
    registrationId,
    signedPreKey,
    lastResortKyberPreKey,
    preKeys,
    kyberPreKeys,
    published: {
      registrationId,
      signedPreKey: signedKeyJson(signedPreKey),
      lastResortKyberPreKey: signedKeyJson(lastResortKyberPreKey),
      oneTimePreKeys: preKeys.map(preKeyJson),
      kyberOneTimePreKeys: kyberPreKeys.map(signedKeyJson),
    },
  };
}

export function signedKeyJson(record: SignedPreKeyRecord | KyberPreKeyRecord): SignedPreKeyJson {
  return {
    keyId: record.id(),
    publicKey: toBase64(record.publicKey().serialize()),
    signature: toBase64(record.signature()),
  };
}

export function preKeyJson(record: PreKeyRecord): PreKeyJson {
  return { keyId: record.id(), publicKey: toBase64(record.publicKey().serialize()) };
}

/** A relay bundle as the engine's PreKeyBundle; the engine verifies both signatures on use. */
export function bundleFromJson(
  engine: SignalEngine,
  identityKey: string,
  device: DeviceBundleJson,
): PreKeyBundle {
  return engine.PreKeyBundle.new(
    device.registrationId,
    device.deviceId,
    device.preKey ? device.preKey.keyId : null,
    device.preKey ? engine.PublicKey.deserialize(fromBase64(device.preKey.publicKey)) : null,
    device.signedPreKey.keyId,
    engine.PublicKey.deserialize(fromBase64(device.signedPreKey.publicKey)),
    fromBase64(device.signedPreKey.signature),
    engine.PublicKey.deserialize(fromBase64(identityKey)),
    device.kyberPreKey.keyId,
    engine.KEMPublicKey.deserialize(fromBase64(device.kyberPreKey.publicKey)),
    fromBase64(device.kyberPreKey.signature),
  );
}
