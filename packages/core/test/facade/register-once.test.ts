import { describe, expect, it } from 'vitest';
import { uniqueUsername, useRelay } from '../support/fixture.js';

/**
 * A device gets one account: a second sign-up while the first is still at the relay is refused,
 * not run beside it (two tabs of the web app signing up at once reach one core:
 * docs/decisions/0710).
 */
describe('registering a device', () => {
  const fx = useRelay();

  it('refuses a second register while the first is under way', async () => {
    const device = await fx.messenger();
    const first = uniqueUsername('first');
    const results = await Promise.allSettled([
      device.register(first),
      device.register(uniqueUsername('second')),
    ]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { username: first } });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: { code: 'ALREADY_REGISTERED' },
    });
    expect(device.self.getSnapshot()?.username).toBe(first);
  });
});
