import { ErrorCode, UNKNOWN_SENDER_SHARE, type SendRequest } from '@parley/protocol';
import type { RateLimitName, RateLimits } from '../config.js';
import { RelayError } from '../errors.js';
import type { DeviceRef } from '../store/records.js';
import { RedisTokenBuckets, type RedisScripts } from './redis-token-buckets.js';
import {
  InProcessTokenBuckets,
  MAX_TRACKED_KEYS,
  type RateLimiter,
  type Verdict,
} from './token-bucket.js';

/** Builds one limiter per named limit: in process, or shared through Redis (redis-token-buckets.ts). */
export type LimiterFactory = (name: string, limit: RateLimits[RateLimitName]) => RateLimiter;

export const inProcessLimiters: LimiterFactory = (_name, limit) => new InProcessTokenBuckets(limit);

/** Limiters whose buckets every relay process sharing `redis` and `prefix` shares. */
export function redisLimiters(
  redis: RedisScripts,
  prefix: string,
  onUnreachable: (error: unknown) => void,
): LimiterFactory {
  return (name, limit) =>
    new RedisTokenBuckets(redis, `${prefix}:limit:${name}`, limit, onUnreachable);
}

/** The RATE_LIMITED error for a refused verdict (retry-after in the error, and in Retry-After). */
export function rateLimited(verdict: Verdict & { ok: false }, what: string): RelayError {
  return new RelayError(ErrorCode.RATE_LIMITED, `${what}: retry later`, {
    retryAfterMs: Math.min(verdict.retryAfterMs, 0xffffffff),
  });
}

async function enforce(verdict: Verdict | Promise<Verdict>, what: string): Promise<void> {
  const judged = await verdict;
  if (!judged.ok) throw rateLimited(judged, what);
}

/**
 * Every abuse limit of the relay in one place, so the edges (ws/, http/, auth/) only ask. Each
 * refusal rejects with RelayError(RATE_LIMITED) and the wait until it would pass. The buckets
 * are shared by every relay process when Redis is configured; the per-address count of open
 * sockets and the memory of who wrote to whom stay per process (both only make a process
 * stricter than the whole).
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
   * mailbox (a stranger gets UNKNOWN_SENDER_SHARE of that). All or nothing within a process: a
   * refused send takes no token from any bucket (across processes two sends may both pass the
   * peek; each take is still atomic, so the overshoot is at most one send per process).
   */
  async checkSend(source: DeviceRef, request: SendRequest): Promise<void> {
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
    await Promise.all([
      enforce(this.limiters.sendsPerDevice.peek(device), 'too many sends from this device'),
      enforce(
        this.limiters.sendsPerAccount.peek(source.accountId),
        'too many sends from this account',
      ),
      ...[...mailboxKeys].map(([key, limiter]) =>
        enforce(limiter.peek(key), 'too many messages to one mailbox'),
      ),
    ]);
    await Promise.all([
      this.limiters.sendsPerDevice.take(device),
      this.limiters.sendsPerAccount.take(source.accountId),
      ...[...mailboxKeys].map(([key, limiter]) => limiter.take(key)),
    ]);
    for (const { destination } of request.messages) {
      if (destination) this.remember(`${source.accountId}>${destination.accountId}`);
    }
  }

  checkPrekeyFetch(requesterAccountId: string): Promise<void> {
    return enforce(
      this.limiters.prekeyFetchesPerAccount.take(requesterAccountId),
      'too many prekey fetches',
    );
  }

  checkProfileWrite(accountId: string): Promise<void> {
    return enforce(
      this.limiters.profileWritesPerAccount.take(accountId),
      'too many profile writes',
    );
  }

  checkProfileFetch(requesterAccountId: string): Promise<void> {
    return enforce(
      this.limiters.profileFetchesPerAccount.take(requesterAccountId),
      'too many profile fetches',
    );
  }

  /** Before verifying credentials: refused while this address or device failed too often. */
  async checkAuthAllowed(address: string, accountId: string, deviceId: number): Promise<void> {
    await enforce(
      this.limiters.failedAuthPerAddress.peek(address),
      'too many failed logins from this address',
    );
    await enforce(
      this.limiters.failedAuthPerDevice.peek(`${accountId}.${deviceId}`),
      'too many failed logins for this device',
    );
  }

  /** A failed authentication costs both buckets a token; the back-off grows as they empty. */
  async authFailed(address: string, accountId: string, deviceId: number): Promise<void> {
    await Promise.all([
      this.limiters.failedAuthPerAddress.take(address),
      this.limiters.failedAuthPerDevice.take(`${accountId}.${deviceId}`),
    ]);
  }

  checkRegistration(address: string): Promise<void> {
    return enforce(this.limiters.registrationsPerAddress.take(address), 'too many registrations');
  }

  checkLink(address: string): Promise<void> {
    return enforce(this.limiters.linksPerAddress.take(address), 'too many device links');
  }

  /** A provisioning socket: false when its address opens them too fast. */
  async openProvisioning(address: string): Promise<boolean> {
    return (await this.limiters.provisioningPerAddress.take(address)).ok;
  }

  checkDeviceCount(devices: number): void {
    if (devices >= this.maxDevicesPerAccount) {
      throw new RelayError(ErrorCode.RATE_LIMITED, 'this account has the most devices allowed', {
        retryAfterMs: 0xffffffff,
      });
    }
  }

  /**
   * A WebSocket upgrade: false when its address opens too fast or holds too many. The socket is
   * counted as open from the call on (so concurrent upgrades cannot pass the cap together);
   * a refusal uncounts it, so `closeConnection` is for sockets that were let in.
   */
  async openConnection(address: string): Promise<boolean> {
    const open = this.openConnections.get(address) ?? 0;
    if (open >= this.maxConnectionsPerAddress) return false;
    this.openConnections.set(address, open + 1);
    if ((await this.limiters.connectionsPerAddress.take(address)).ok) return true;
    this.closeConnection(address);
    return false;
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
