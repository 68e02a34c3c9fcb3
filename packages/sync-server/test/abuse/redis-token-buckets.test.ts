import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenBuckets, type RedisScripts } from '../../src/limits/redis-token-buckets.js';

/**
 * The Redis-backed buckets against the Redis this machine runs (127.0.0.1:6379), under a key
 * prefix of their own that is deleted afterwards. Redis's clock cannot be injected, so the
 * checks only rely on what elapsed time cannot change: a bucket emptied by takes in a row is
 * refused, and the wait it gives can only be shorter than a full token's time.
 */
describe('RedisTokenBuckets', () => {
  let redis: Redis;
  const prefix = `parley-test:${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    redis = new Redis(process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', {
      lazyConnect: true,
    });
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('allows a burst, then refuses with the wait until a token is back', async () => {
    const buckets = new RedisTokenBuckets(redis, `${prefix}:a`, { burst: 3, perSecond: 2 });
    for (let i = 0; i < 3; i++) expect(await buckets.take('k')).toEqual({ ok: true });
    const refused = await buckets.take('k');
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    }
    expect(await buckets.take('other')).toEqual({ ok: true }); // keys are independent
  });

  it('is one bucket for every limiter on the same prefix (as for two relay processes)', async () => {
    const limit = { burst: 2, perSecond: 0.001 };
    const first = new RedisTokenBuckets(redis, `${prefix}:shared`, limit);
    const second = new RedisTokenBuckets(redis, `${prefix}:shared`, limit);
    expect((await first.take('k')).ok).toBe(true);
    expect((await second.take('k')).ok).toBe(true);
    expect((await first.take('k')).ok).toBe(false);
    expect((await second.take('k')).ok).toBe(false);
  });

  it('peeks without taking and never takes part of a cost', async () => {
    const buckets = new RedisTokenBuckets(redis, `${prefix}:p`, { burst: 2, perSecond: 0.001 });
    expect((await buckets.peek('k', 2)).ok).toBe(true);
    expect((await buckets.take('k', 3)).ok).toBe(false);
    expect((await buckets.take('k', 2)).ok).toBe(true);
    expect((await buckets.peek('k')).ok).toBe(false);
  });

  it('says "never" for a cost above the burst or a bucket that does not refill', async () => {
    const noRefill = new RedisTokenBuckets(redis, `${prefix}:n`, { burst: 1, perSecond: 0 });
    expect((await noRefill.take('k')).ok).toBe(true);
    expect(await noRefill.take('k')).toEqual({ ok: false, retryAfterMs: Number.MAX_SAFE_INTEGER });
    const small = new RedisTokenBuckets(redis, `${prefix}:s`, { burst: 2, perSecond: 1 });
    expect(await small.take('k', 3)).toEqual({ ok: false, retryAfterMs: Number.MAX_SAFE_INTEGER });
  });

  it('keeps each bucket only as long as it takes to refill', async () => {
    const buckets = new RedisTokenBuckets(redis, `${prefix}:ttl`, { burst: 10, perSecond: 2 });
    await buckets.take('k');
    const ttl = await redis.pttl(`${prefix}:ttl:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5000);
  });

  it('asks Redis nothing for a lifted limit', async () => {
    let calls = 0;
    const counting: RedisScripts = {
      eval: () => {
        calls++;
        return Promise.resolve(-1);
      },
    };
    const lifted = new RedisTokenBuckets(counting, prefix, {
      burst: Infinity,
      perSecond: Infinity,
    });
    for (let i = 0; i < 100; i++) expect(await lifted.take('k')).toEqual({ ok: true });
    expect(calls).toBe(0);
  });

  it('judges with its own buckets while Redis cannot be reached, and says so', async () => {
    // A stand-in for a connection whose commands fail fast (the relay's has no offline queue).
    const down: RedisScripts = { eval: () => Promise.reject(new Error('Connection is closed.')) };
    const reported: unknown[] = [];
    const buckets = new RedisTokenBuckets(down, prefix, { burst: 2, perSecond: 0.001 }, (e) =>
      reported.push(e),
    );
    expect((await buckets.take('k')).ok).toBe(true);
    expect((await buckets.take('k')).ok).toBe(true);
    expect((await buckets.take('k')).ok).toBe(false);
    expect(reported).toHaveLength(3);
  });
});
