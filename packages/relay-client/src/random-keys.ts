import { randomBytes, randomInt } from 'node:crypto';
import {
  EC_PUBLIC_KEY_BYTES,
  MAX_REGISTRATION_ID,
  SIGNATURE_BYTES,
  type DeviceKeysJson,
  type KyberPreKeyJson,
  type PreKeyJson,
} from '@parley/protocol';

/**
 * Random key material with the sizes libsignal produces (33-byte EC keys, 1569-byte Kyber-1024
 * keys, 64-byte signatures). The relay stores and hands out keys without verifying them, so
 * relay tests and benchmarks need their shape, not real key pairs.
 */

const b64 = (bytes: Buffer) => bytes.toString('base64');

/** A serialized Curve25519 public key: type byte 0x05 + 32 bytes. */
export function randomEcPublicKey(): string {
  return b64(Buffer.concat([Buffer.from([0x05]), randomBytes(EC_PUBLIC_KEY_BYTES - 1)]));
}

/** A serialized Kyber-1024 public key: type byte 0x08 + 1568 bytes. */
export function randomKyberPublicKey(): string {
  return b64(Buffer.concat([Buffer.from([0x08]), randomBytes(1568)]));
}

export function randomSignature(): string {
  return b64(randomBytes(SIGNATURE_BYTES));
}

export function randomPreKeys(firstKeyId: number, count: number): PreKeyJson[] {
  return Array.from({ length: count }, (_, i) => ({
    keyId: firstKeyId + i,
    publicKey: randomEcPublicKey(),
  }));
}

export function randomKyberPreKeys(firstKeyId: number, count: number): KyberPreKeyJson[] {
  return Array.from({ length: count }, (_, i) => ({
    keyId: firstKeyId + i,
    publicKey: randomKyberPublicKey(),
    signature: randomSignature(),
  }));
}

export function randomDeviceKeys(
  options: { oneTimePreKeys?: number; kyberOneTimePreKeys?: number; name?: string } = {},
): DeviceKeysJson {
  return {
    registrationId: randomInt(1, MAX_REGISTRATION_ID + 1),
    ...(options.name !== undefined && { name: options.name }),
    signedPreKey: { keyId: 1, publicKey: randomEcPublicKey(), signature: randomSignature() },
    lastResortKyberPreKey: {
      keyId: 0xffffff,
      publicKey: randomKyberPublicKey(),
      signature: randomSignature(),
    },
    oneTimePreKeys: randomPreKeys(1, options.oneTimePreKeys ?? 0),
    kyberOneTimePreKeys: randomKyberPreKeys(1, options.kyberOneTimePreKeys ?? 0),
  };
}
