import type { DeviceKeys } from '../../src/store/records.js';

/** Fixtures for tests that drive a SqliteStore directly (no relay, no sockets). */

export const bytes = (n: number) => new Uint8Array(n).fill(7);

export const deviceKeys: DeviceKeys = {
  registrationId: 1,
  name: null,
  signedPreKey: { keyId: 1, publicKey: bytes(33), signature: bytes(64) },
  lastResortKyberPreKey: { keyId: 2, publicKey: bytes(1569), signature: bytes(64) },
  oneTimePreKeys: [],
  kyberOneTimePreKeys: [],
};

export const ignore = () => undefined;

export const storeEvents = {
  committed: ignore,
  commitFailed: ignore,
  hookFailed: ignore,
  syncFailed: ignore,
  checkpointFailed: ignore,
};
