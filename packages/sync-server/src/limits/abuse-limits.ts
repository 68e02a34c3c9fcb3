import { ErrorCode, UNKNOWN_SENDER_SHARE, type SendRequest } from '@parley/protocol';
import type { RateLimitName, RateLimits } from '../config.js';
import { RelayError } from '../errors.js';
import type { DeviceRef } from '../store/records.js';
import {
  InProcessTokenBuckets,
  MAX_TRACKED_KEYS,
  type RateLimiter,
  type Verdict,
} from './token-bucket.js';

/** Builds one limiter per named limit; swap this for a Redis-backed factory to share across processes. */
export type LimiterFactory = (name: string, limit: RateLimits[RateLimitName]) => RateLimiter;

export const inProcessLimiters: LimiterFactory = (_name, limit) => new InProcessTokenBuckets(limit);

/** The RATE_LIMITED error for a refused verdict (retry-after in the error, and in Retry-After). */
export function rateLimited(verdict: Verdict & { ok: false }, what: string): RelayError {
  return new RelayError(ErrorCode.RATE_LIMITED, `${what}: retry later`, {
    retryAfterMs: Math.min(verdict.retryAfterMs, 0xffffffff),
  });
}

function enforce(verdict: Verdict, what: string): void {
  if (!verdict.ok) throw rateLimited(verdict, what);
}

/**
 * Every abuse limit of the relay in one place, so the edges (ws/, http/, auth/) only ask. Each
 * refusal throws RelayError(RATE_LIMITED) with the wait until it would pass.
 */
export class AbuseLimits {
  private readonly limiters: Record<RateLimitName, RateLimiter>;
  private readonly strangerToMailbox: RateLimiter;
  /** `${from}>${to}` for accounts `from` sent to: `to` writing back to `from` is no stranger. */
  private readonly conversations = new Set<string>();
  private readonly openConnections = new Map<string, number>();

  constructor(
    limits: RateLimits,
    readonly maxConnectionsPerAddress: number,
    readonly maxDevicesPerAccount: number,
    factory: LimiterFactory = inProcessLimiters,
  ) {
    this.limiters = Object.fromEntries(
      Object.entries(limits).map(([name, limit]) => [name, factory(name, limit)]),
    ) as Record<RateLimitName, RateLimiter>;
    const perMailbox = limits.envelopesPerSenderPerMailbox;
    this.strangerToMailbox = factory('envelopesPerStrangerPerMailbox', {
      burst: Math.max(1, Math.floor(perMailbox.burst * UNKNOWN_SENDER_SHARE)),
      perSecond: perMailbox.perSecond * UNKNOWN_SENDER_SHARE,
    });
  }

  /**
   * A send: per source device, per source account, and per sender account per destination
   * mailbox (a stranger gets UNKNOWN_SENDER_SHARE of that). All or nothing: a refused send takes
   * no token from any bucket.
   */
  checkSend(source: DeviceRef, request: SendRequest): void {
    const mailboxKeys = new Map<string, RateLimiter>();
    for (const { destination } of request.messages) {
      if (!destination || destination.accountId === source.accountId) continue;
      const known = this.conversations.has(`${destination.accountId}>${source.accountId}`);
      mailboxKeys.set(
        `${source.accountId}>${destination.accountId}.${destination.deviceId}`,
        known ? this.limiters.envelopesPerSenderPerMailbox : this.strangerToMailbox,
      );
    }
    const device = `${source.accountId}.${source.deviceId}`;
    enforce(this.limiters.sendsPerDevice.peek(device), 'too many sends from this device');
    enforce(
      this.limiters.sendsPerAccount.peek(source.accountId),
      'too many sends from this account',
    );
    for (const [key, limiter] of mailboxKeys) {
      enforce(limiter.peek(key), 'too many messages to one mailbox');
    }
    this.limiters.sendsPerDevice.take(device);
    this.limiters.sendsPerAccount.take(source.accountId);
    for (const [key, limiter] of mailboxKeys) limiter.take(key);
    for (const { destination } of request.messages) {
      if (destination) this.remember(`${source.accountId}>${destination.accountId}`);
    }
  }

  checkPrekeyFetch(requesterAccountId: string): void {
    enforce(
      this.limiters.prekeyFetchesPerAccount.take(requesterAccountId),
      'too many prekey fetches',
    );
  }

  /** Before verifying credentials: refused while this address or device failed too often. */
  checkAuthAllowed(address: string, accountId: string, deviceId: number): void {
    enforce(
      this.limiters.failedAuthPerAddress.peek(address),
      'too many failed logins from this address',
    );
    enforce(
      this.limiters.failedAuthPerDevice.peek(`${accountId}.${deviceId}`),
      'too many failed logins for this device',
    );
  }

  /** A failed authentication costs both buckets a token; the back-off grows as they empty. */
  authFailed(address: string, accountId: string, deviceId: number): void {
    this.limiters.failedAuthPerAddress.take(address);
    this.limiters.failedAuthPerDevice.take(`${accountId}.${deviceId}`);
  }

  checkRegistration(address: string): void {
    enforce(this.limiters.registrationsPerAddress.take(address), 'too many registrations');
  }

  checkLink(address: string): void {
    enforce(this.limiters.linksPerAddress.take(address), 'too many device links');
  }

  /** A provisioning socket: false when its address opens them too fast. */
  openProvisioning(address: string): boolean {
    return this.limiters.provisioningPerAddress.take(address).ok;
  }

  checkDeviceCount(devices: number): void {
    if (devices >= this.maxDevicesPerAccount) {
      throw new RelayError(ErrorCode.RATE_LIMITED, 'this account has the most devices allowed', {
        retryAfterMs: 0xffffffff,
      });
    }
  }

  /** A WebSocket upgrade: false when its address opens too fast or holds too many. */
  openConnection(address: string): boolean {
    const open = this.openConnections.get(address) ?? 0;
    if (open >= this.maxConnectionsPerAddress) return false;
    if (!this.limiters.connectionsPerAddress.take(address).ok) return false;
    this.openConnections.set(address, open + 1);
    return true;
  }

  closeConnection(address: string): void {
    const open = (this.openConnections.get(address) ?? 1) - 1;
    if (open > 0) this.openConnections.set(address, open);
    else this.openConnections.delete(address);
  }

  private remember(pair: string): void {
    if (this.conversations.has(pair)) return;
    if (this.conversations.size >= MAX_TRACKED_KEYS) {
      const oldest = this.conversations.values().next().value;
      if (oldest !== undefined) this.conversations.delete(oldest);
    }
    this.conversations.add(pair);
  }
}
