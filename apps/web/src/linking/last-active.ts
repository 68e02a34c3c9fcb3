const DAY_MS = 24 * 60 * 60 * 1000;
// The relay keeps the UTC day a device was last active (no finer), so the date is a UTC date.
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * "Last active today / yesterday / Dec 5, 2026" from the start (UTC) of the last day the relay
 * saw the device; days are counted in UTC like the relay's record.
 */
export function lastActiveText(lastActiveAt: number | null, now: number): string {
  if (lastActiveAt === null) return 'Not active yet';
  const days = Math.floor(now / DAY_MS) - Math.floor(lastActiveAt / DAY_MS);
  if (days <= 0) return 'Last active today';
  if (days === 1) return 'Last active yesterday';
  return `Last active ${dayFormat.format(lastActiveAt)}`;
}

/** What Settings calls a device: its name, else its number. */
export function deviceLabel(device: { name: string | null; deviceId: number }): string {
  return device.name ?? `Device ${device.deviceId}`;
}
