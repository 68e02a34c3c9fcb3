import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RATE_LIMITS, SendRequestSchema } from '@parley/protocol';
import { noRateLimits, type RateLimits } from '../../src/config.js';
import { refusal } from '../support/rejection.js';
import {
  AbuseLimits,
  inProcessLimiters,
  type LimiterFactory,
} from '../../src/limits/abuse-limits.js';
import type { RateLimiter, Verdict } from '../../src/limits/token-bucket.js';
import type { DeviceRef } from '../../src/store/records.js';

/**
 * The send check on its own (decision 0154): in process it answers in the same call, so the
 * relay's hot path makes no promise per message; shared buckets still answer with a promise;
 * lifted limits are not consulted at all. The limits on a real relay: rate-limits.test.ts.
 */
const alice: DeviceRef = { rowId: 1, accountId: 'alice', deviceId: 1 };
const send = (to: string) =>
  create(SendRequestSchema, {
    clientId: 'c',
    messages: [{ destination: { accountId: to, deviceId: 1 }, content: new Uint8Array(1) }],
  });
const limits = (sendsPerDevice: number): RateLimits => ({
  ...RATE_LIMITS,
  sendsPerDevice: { burst: sendsPerDevice, perSecond: 0.001 },
});

describe('AbuseLimits.checkSend', () => {
  it('answers in process at once, and refuses synchronously past the burst', () => {
    const abuse = new AbuseLimits(limits(2), 10, 5);
    expect(abuse.checkSend(alice, send('bob'))).toBeUndefined();
    expect(abuse.checkSend(alice, send('bob'))).toBeUndefined();
    const error = refusal(() => abuse.checkSend(alice, send('bob')));
    expect(error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(error.message).toMatch(/from this device/);
  });

  it('takes no token from any bucket when one of them refuses', () => {
    // A stranger gets a share of the per-mailbox bucket: 2 of 20 here.
    const abuse = new AbuseLimits(
      { ...limits(3), envelopesPerSenderPerMailbox: { burst: 20, perSecond: 0.001 } },
      10,
      5,
    );
    abuse.checkSend(alice, send('bob'));
    abuse.checkSend(alice, send('bob'));
    expect(refusal(() => abuse.checkSend(alice, send('bob'))).message).toMatch(/one mailbox/);
    // The refused send took nothing from the device's bucket: its third token is still there.
    expect(abuse.checkSend(alice, send('carol'))).toBeUndefined();
    expect(refusal(() => abuse.checkSend(alice, send('dave'))).message).toMatch(/this device/);
  });

  it('consults no bucket when the limits are lifted', () => {
    const consulted: string[] = [];
    const spying: LimiterFactory = (name, limit) => {
      const inner = inProcessLimiters(name, limit);
      return {
        take: (key, cost) => (consulted.push(name), inner.take(key, cost)),
        peek: (key, cost) => (consulted.push(name), inner.peek(key, cost)),
      };
    };
    const abuse = new AbuseLimits(noRateLimits, 10, 5, spying);
    for (let i = 0; i < 100; i++) expect(abuse.checkSend(alice, send('bob'))).toBeUndefined();
    expect(consulted).toEqual([]);
  });

  it('answers with a promise when the buckets are shared, and rejects past the burst', async () => {
    const shared: LimiterFactory = (name, limit) => {
      const inner = inProcessLimiters(name, limit);
      const later = (verdict: Verdict) => Promise.resolve(verdict);
      return {
        take: (key, cost) => later(inner.take(key, cost) as Verdict),
        peek: (key, cost) => later(inner.peek(key, cost) as Verdict),
      } satisfies RateLimiter;
    };
    const abuse = new AbuseLimits(limits(1), 10, 5, shared);
    const first = abuse.checkSend(alice, send('bob'));
    expect(first).toBeInstanceOf(Promise);
    await first;
    const second = abuse.checkSend(alice, send('bob'));
    await expect(second).rejects.toMatchObject({ code: ErrorCode.RATE_LIMITED });
  });
});
