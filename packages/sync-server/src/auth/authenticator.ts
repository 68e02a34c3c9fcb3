import { timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { AbuseLimits } from '../limits/abuse-limits.js';
import type { RelayStore } from '../store/relay-store.js';
import type { DeviceRef } from '../store/records.js';
import { fastDigest, looksLikeSecret, verifySecret } from './credentials.js';

/** Most verified credentials remembered; beyond it the oldest are forgotten (and re-verified). */
const CACHE_LIMIT = 200_000;

/**
 * Checks device credentials for HTTP requests and WebSocket auth frames. A secret that passed
 * scrypt once is remembered as its SHA-256 in memory, so reconnect storms cost a hash, not a KDF;
 * removing a device forgets it.
 */
export class Authenticator {
  private readonly verified = new Map<string, Buffer>();

  constructor(
    private readonly store: RelayStore,
    private readonly limits?: AbuseLimits,
  ) {}

  /**
   * `address` is the client's: failures count against it and against the claimed device, and
   * once either bucket is empty attempts are refused (RATE_LIMITED) before any lookup or KDF,
   * so a flood of wrong secrets costs the relay almost nothing and backs off by itself.
   */
  async authenticate(
    accountId: string,
    deviceId: number,
    secret: string,
    address: string,
  ): Promise<DeviceRef> {
    this.limits?.checkAuthAllowed(address, accountId, deviceId);
    try {
      return await this.verify(accountId, deviceId, secret);
    } catch (error) {
      if (error instanceof RelayError && error.code === ErrorCode.UNAUTHENTICATED) {
        this.limits?.authFailed(address, accountId, deviceId);
      }
      throw error;
    }
  }

  private async verify(accountId: string, deviceId: number, secret: string): Promise<DeviceRef> {
    const fail = () => new RelayError(ErrorCode.UNAUTHENTICATED, 'invalid credentials');
    if (!looksLikeSecret(secret)) throw fail();
    const device = await this.store.findDeviceCredentials(accountId, deviceId);
    if (!device) throw fail();
    const key = `${accountId}.${deviceId}`;
    const digest = fastDigest(secret);
    const known = this.verified.get(key);
    if (known && timingSafeEqual(known, digest)) return device.ref;
    if (!(await verifySecret(secret, device.secretHash))) throw fail();
    this.remember(key, digest);
    return device.ref;
  }

  forget(accountId: string, deviceId: number): void {
    this.verified.delete(`${accountId}.${deviceId}`);
  }

  private remember(key: string, digest: Buffer): void {
    if (this.verified.size >= CACHE_LIMIT) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(key, digest);
  }
}
