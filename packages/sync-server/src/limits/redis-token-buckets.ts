import type { RateLimit } from '@parley/protocol';
import { InProcessTokenBuckets, type RateLimiter, type Verdict } from './token-bucket.js';

/** The part of an ioredis client the buckets use (a stand-in is enough for a test of fallback). */
export interface RedisScripts {
  eval(script: string, keyCount: number, ...args: (string | number)[]): Promise<unknown>;
}

/** Longest a bucket key lives in Redis; a forgotten key is a full bucket, as in process. */
const MAX_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The in-process arithmetic (token-bucket.ts) on a hash `{tokens, at}` per key, atomically in
 * Redis. The clock is Redis's own (TIME), so relay hosts with skewed clocks share one bucket
 * honestly. Returns -1 when allowed, else the milliseconds until `cost` tokens are back (-2 for
 * "never": no refill, or a cost above the burst). ARGV: burst, perSecond, cost, take (1/0), ttl.
 */
const BUCKET_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local burst, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if held[1] then
  tokens = math.min(burst, tonumber(held[1]) + math.max(0, now - tonumber(held[2])) / 1000 * rate)
end
if tokens >= cost then
  if ARGV[4] == '1' then
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'at', now)
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
  end
  return -1
end
if rate <= 0 or cost > burst then return -2 end
return math.ceil((cost - tokens) / rate * 1000)
`;

const allowed: Verdict = { ok: true };
const never: Verdict = { ok: false, retryAfterMs: Number.MAX_SAFE_INTEGER };

/**
 * One named limit shared by every relay process through Redis (decision 0170). While Redis
 * cannot be reached the process judges alone with its own buckets (it fails open to the
 * per-process limit, never closed): a Redis restart must not refuse every send, and Redis holds
 * nothing that matters (decision 0161).
 */
export class RedisTokenBuckets implements RateLimiter {
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisScripts,
    private readonly keyPrefix: string,
    private readonly limit: RateLimit,
    private readonly onUnreachable: (error: unknown) => void = () => undefined,
    private readonly local: RateLimiter = new InProcessTokenBuckets(limit),
  ) {
    const refillMs = limit.perSecond > 0 ? (limit.burst / limit.perSecond) * 1000 : Infinity;
    this.ttlMs = Math.max(1000, Math.min(MAX_KEY_TTL_MS, Math.ceil(refillMs)));
  }

  take(key: string, cost = 1): Promise<Verdict> | Verdict {
    return this.judge(key, cost, true);
  }

  peek(key: string, cost = 1): Promise<Verdict> | Verdict {
    return this.judge(key, cost, false);
  }

  private judge(key: string, cost: number, take: boolean): Promise<Verdict> | Verdict {
    // A lifted limit (tests, benches) costs no round trip; Lua has no infinity anyway.
    if (!Number.isFinite(this.limit.burst) || !Number.isFinite(this.limit.perSecond)) {
      return allowed;
    }
    const args = [this.limit.burst, this.limit.perSecond, cost, take ? 1 : 0, this.ttlMs];
    return this.redis.eval(BUCKET_SCRIPT, 1, `${this.keyPrefix}:${key}`, ...args).then(
      (answer) => {
        const wait = Number(answer);
        if (wait === -1) return allowed;
        return wait === -2 ? never : { ok: false, retryAfterMs: wait };
      },
      (error: unknown) => {
        this.onUnreachable(error);
        return take ? this.local.take(key, cost) : this.local.peek(key, cost);
      },
    );
  }
}
