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
  judge(await verdict, what);
}

function judge(verdict: Verdict, what: string): void {
  if (!verdict.ok) throw rateLimited(verdict, what);
}

/** One bucket a send draws from: the limiter, the key, and what a refusal says. */
type SendCheck = [limiter: RateLimiter, key: string, what: string];

/** Lifted limits (`--rate-limits off`): no bucket can ever refuse. */
function isUnlimited(limit: RateLimits[RateLimitName]): boolean {
  return limit.burst === Infinity && limit.perSecond === Infinity;
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
  /** Every send limit lifted: sends skip the checks (and the memory of conversations). */
  private readonly sendsUnlimited: boolean;
  /**
   * Buckets shared through Redis answer with a promise; then every send waits for its verdict,
   * so sends of one socket keep their order even when some of them name no shared bucket.
   */
  private readonly shared: boolean;

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
    this.shared = factory !== inProcessLimiters;
    this.sendsUnlimited =
      isUnlimited(limits.sendsPerDevice) &&
      isUnlimited(limits.sendsPerAccount) &&
      isUnlimited(perMailbox);
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
   *
   * In-process buckets answer synchronously (returns undefined, throws RATE_LIMITED): this runs
   * once per message, and a promise per send was a measurable share of the relay's CPU at
   * 10,000 msgs/s (decision 0154). Shared (Redis) buckets answer with a promise.
   */
  checkSend(source: DeviceRef, request: SendRequest): void | Promise<void> {
    if (this.sendsUnlimited) return;
    const checks = this.sendChecks(source, request);
    if (this.shared) return this.checkSendShared(source, request, checks);
    // In process, peek and take run in one turn: no other send can come between them.
    for (const [limiter, key, what] of checks) judge(limiter.peek(key) as Verdict, what);
    for (const [limiter, key] of checks) limiter.take(key);
    this.rememberDestinations(source, request);
  }

  /** The buckets a send draws from: [limiter, key, what a refusal says]. */
  private sendChecks(source: DeviceRef, request: SendRequest): SendCheck[] {
    const checks: SendCheck[] = [
      [
        this.limiters.sendsPerDevice,
        `${source.accountId}.${source.deviceId}`,
        'too many sends from this device',
      ],
      [this.limiters.sendsPerAccount, source.accountId, 'too many sends from this account'],
    ];
    const mailboxKeys = new Set<string>();
    for (const { destination } of request.messages) {
      if (!destination || destination.accountId === source.accountId) continue;
      const key = `${source.accountId}>${destination.accountId}.${destination.deviceId}`;
      if (mailboxKeys.has(key)) continue;
      mailboxKeys.add(key);
      const known = this.conversations.has(`${destination.accountId}>${source.accountId}`);
      checks.push([
        known ? this.limiters.envelopesPerSenderPerMailbox : this.strangerToMailbox,
        key,
        'too many messages to one mailbox',
      ]);
    }
    return checks;
  }

  private async checkSendShared(
    source: DeviceRef,
    request: SendRequest,
    checks: SendCheck[],
  ): Promise<void> {
    await Promise.all(checks.map(([limiter, key, what]) => enforce(limiter.peek(key), what)));
    await Promise.all(checks.map(([limiter, key]) => limiter.take(key)));
    this.rememberDestinations(source, request);
  }

  private rememberDestinations(source: DeviceRef, request: SendRequest): void {
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
