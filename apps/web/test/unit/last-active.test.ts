import { describe, expect, it } from 'vitest';
import { deviceLabel, lastActiveText } from '../../src/linking/last-active.js';

const DAY = 24 * 60 * 60 * 1000;
const monday = Date.UTC(2026, 11, 7);
const mondayEvening = monday + 20 * 60 * 60 * 1000;

describe('a device’s last activity in words (UTC days, as the relay keeps them)', () => {
  it('says today, yesterday, or the date', () => {
    expect(lastActiveText(monday, mondayEvening)).toBe('Last active today');
    expect(lastActiveText(monday - DAY, mondayEvening)).toBe('Last active yesterday');
    expect(lastActiveText(monday - DAY, monday)).toBe('Last active yesterday');
    const older = lastActiveText(monday - 2 * DAY, mondayEvening);
    expect(older).toMatch(/^Last active /);
    expect(older).toContain('2026');
    expect(older).toMatch(/5/); // December 5th, whatever the locale's order
    expect(lastActiveText(null, mondayEvening)).toBe('Not active yet');
  });

  it('labels a device by name, else by number', () => {
    expect(deviceLabel({ name: 'Work laptop', deviceId: 2 })).toBe('Work laptop');
    expect(deviceLabel({ name: null, deviceId: 3 })).toBe('Device 3');
  });
});
