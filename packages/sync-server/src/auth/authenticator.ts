import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { AbuseLimits } from '../limits/abuse-limits.js';
import type { RelayStore } from '../store/relay-store.js';
import type { DeviceRef } from '../store/records.js';
import { looksLikeSecret, verifySecret } from './credentials.js';

/**
 * Checks device credentials for HTTP requests and WebSocket auth frames against the stored
 * salted hash (credentials.ts): one device lookup and one SHA-256 per check, so a reconnect
 * storm costs no KDF and nothing is remembered between checks.
 */
export class Authenticator {
  constructor(
    private readonly store: RelayStore,
    private readonly limits?: AbuseLimits,
  ) {}

  /**
   * `address` is the client's: failures count against it and against the claimed device, and
   * once either bucket is empty attempts are refused (RATE_LIMITED) before any lookup,
   * so a flood of wrong secrets costs the relay almost nothing and backs off by itself.
   */
  async authenticate(
    accountId: string,
    deviceId: number,
    secret: string,
    address: string,
  ): Promise<DeviceRef> {
    await this.limits?.checkAuthAllowed(address, accountId, deviceId);
    try {
      return await this.verify(accountId, deviceId, secret);
    } catch (error) {
      if (error instanceof RelayError && error.code === ErrorCode.UNAUTHENTICATED) {
        await this.limits?.authFailed(address, accountId, deviceId);
      }
      throw error;
    }
  }

  private async verify(accountId: string, deviceId: number, secret: string): Promise<DeviceRef> {
    const fail = () => new RelayError(ErrorCode.UNAUTHENTICATED, 'invalid credentials');
    if (!looksLikeSecret(secret)) throw fail();
    const device = await this.store.findDeviceCredentials(accountId, deviceId);
    if (!device || !(await verifySecret(secret, device.secretHash))) throw fail();
    return device.ref;
  }
}
