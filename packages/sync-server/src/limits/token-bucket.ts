import type { RateLimit } from '@parley/protocol';

/** The verdict of one `take`: allowed, or refused with the wait until it would be allowed. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * A family of rate limits keyed by a string (an address, a device, a sender/mailbox pair). The
 * relay only talks to this interface: the in-process buckets below serve one relay process and
 * answer at once; the Redis-backed ones (redis-token-buckets.ts) share each bucket between relay
 * processes and answer after a round trip (docs/decisions/0170-rate-limits.md).
 */
export interface RateLimiter {
  /** Takes `cost` tokens from `key`'s bucket if it holds that many; never takes part of them. */
  take(key: string, cost?: number): Verdict | Promise<Verdict>;
  /** Whether `cost` tokens are there, without taking them (for failed-attempt limits). */
  peek(key: string, cost?: number): Verdict | Promise<Verdict>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Most keys one limiter remembers; beyond it the least recently used is forgotten (= full). */
export const MAX_TRACKED_KEYS = 100_000;

const allowed: Verdict = { ok: true };

/**
 * Token buckets in memory: `burst` tokens, refilled at `perSecond`, computed lazily on each call
 * (no timers). A forgotten key is a full bucket, so the key cap can only ever be generous, and the
 * map stays bounded however many addresses an attacker uses.
 */
export class InProcessTokenBuckets implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_TRACKED_KEYS,
  ) {}

  take(key: string, cost = 1): Verdict {
    const bucket = this.refilled(key);
    const verdict = this.judge(bucket, cost);
    if (verdict.ok) bucket.tokens -= cost;
    return verdict;
  }

  peek(key: string, cost = 1): Verdict {
    return this.judge(this.refilled(key), cost);
  }

  private judge(bucket: Bucket, cost: number): Verdict {
    if (bucket.tokens >= cost) return allowed;
    if (this.limit.perSecond <= 0 || cost > this.limit.burst) {
      return { ok: false, retryAfterMs: Number.MAX_SAFE_INTEGER };
    }
    return {
      ok: false,
      retryAfterMs: Math.ceil(((cost - bucket.tokens) / this.limit.perSecond) * 1000),
    };
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: Map order is the LRU order
      const elapsed = Math.max(0, now - bucket.at) / 1000;
      // (0 * Infinity is NaN: an unlimited bucket stays full without the arithmetic.)
      const refill = elapsed === 0 ? 0 : elapsed * this.limit.perSecond;
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
      bucket.at = now;
    } else {
      bucket = { tokens: this.limit.burst, at: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
