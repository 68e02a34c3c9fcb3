import { describe, expect, it } from 'vitest';
import { doNotDisturbUntil, isDoNotDisturb } from '../../src/notifications/do-not-disturb.js';

/** An injected clock: local times, so the rule is checked in the device's own time zone. */
const at = (y: number, mo: number, d: number, h: number, mi = 0) => new Date(y, mo - 1, d, h, mi);

describe('do not disturb', () => {
  it('for 1 hour ends an hour after it was chosen', () => {
    const now = at(2026, 12, 6, 22, 15);
    const until = doNotDisturbUntil('hour', now);
    expect(isDoNotDisturb(until, now.getTime())).toBe(true);
    expect(isDoNotDisturb(until, at(2026, 12, 6, 23, 14).getTime())).toBe(true);
    expect(isDoNotDisturb(until, at(2026, 12, 6, 23, 15).getTime())).toBe(false);
  });

  it('until tomorrow ends at 8:00 on the next calendar day, across a month end and after midnight', () => {
    expect(doNotDisturbUntil('tomorrow', at(2026, 12, 31, 22, 0))).toBe(
      at(2027, 1, 1, 8).getTime(),
    );
    expect(doNotDisturbUntil('tomorrow', at(2026, 12, 6, 0, 30))).toBe(
      at(2026, 12, 7, 8).getTime(),
    );
    const until = doNotDisturbUntil('tomorrow', at(2026, 12, 6, 9));
    expect(isDoNotDisturb(until, at(2026, 12, 7, 7, 59).getTime())).toBe(true);
    expect(isDoNotDisturb(until, at(2026, 12, 7, 8).getTime())).toBe(false);
  });

  it('until turned off never ends; off is never on', () => {
    const now = at(2026, 12, 6, 12);
    expect(isDoNotDisturb(doNotDisturbUntil('always', now), at(2099, 1, 1, 0).getTime())).toBe(
      true,
    );
    expect(isDoNotDisturb(doNotDisturbUntil('off', now), now.getTime())).toBe(false);
    expect(isDoNotDisturb(undefined, now.getTime())).toBe(false);
  });
});
