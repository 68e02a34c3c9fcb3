/**
 * Do not disturb: for a while (or until turned off) this device shows no notification, toast or
 * sound; messages still arrive and the unread count still rises. Stored in the notification
 * settings (preferences.ts) as the moment it ends, so the service worker decides with no page open.
 */

export type DoNotDisturbChoice = 'off' | 'hour' | 'tomorrow' | 'always';

/** The hour of the next morning that "until tomorrow" lasts to, in the device's local time. */
export const MORNING_HOUR = 8;

const HOUR_MS = 60 * 60 * 1000;

/**
 * When do-not-disturb chosen at `now` ends: 0 for off (ended long ago), Infinity for "until
 * turned off", else a time in milliseconds. "Until tomorrow" is 8:00 on the next calendar day,
 * the way the menu says it, also when chosen after midnight.
 */
export function doNotDisturbUntil(choice: DoNotDisturbChoice, now: Date): number {
  switch (choice) {
    case 'off':
      return 0;
    case 'hour':
      return now.getTime() + HOUR_MS;
    case 'tomorrow': {
      const morning = new Date(now);
      morning.setDate(morning.getDate() + 1);
      morning.setHours(MORNING_HOUR, 0, 0, 0);
      return morning.getTime();
    }
    case 'always':
      return Number.POSITIVE_INFINITY;
  }
}

/** Whether notifications are silenced at `now` (milliseconds) by a do-not-disturb ending `until`. */
export function isDoNotDisturb(until: number | undefined, now: number): boolean {
  return (until ?? 0) > now;
}
