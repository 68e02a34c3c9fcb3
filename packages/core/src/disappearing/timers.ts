import { ParleyError } from '../errors.js';

/**
 * The disappearing-message timers a person can pick, in seconds: off, 30 s, 5 min, 1 h, 1 day,
 * 1 week (Signal's and WhatsApp's short list). Devices accept any whole number of seconds up to
 * MAX_DISAPPEARING_SECONDS from others; this list only bounds what this device sets.
 */
export const DISAPPEARING_TIMERS: readonly number[] = [0, 30, 300, 3600, 86_400, 604_800];

export function checkTimer(seconds: number): void {
  if (!DISAPPEARING_TIMERS.includes(seconds))
    throw new ParleyError(
      'INVALID_TIMER',
      `a disappearing timer is one of ${DISAPPEARING_TIMERS.join(', ')} seconds`,
    );
}

const UNITS: ReadonlyArray<readonly [seconds: number, one: string, many: string]> = [
  [604_800, 'week', 'weeks'],
  [86_400, 'day', 'days'],
  [3600, 'hour', 'hours'],
  [60, 'minute', 'minutes'],
  [1, 'second', 'seconds'],
];

/** "30 seconds", "5 minutes", "1 week": the largest unit that divides the timer. */
export function describeTimer(seconds: number): string {
  for (const [size, one, many] of UNITS) {
    if (seconds % size !== 0) continue;
    const count = seconds / size;
    return `${count} ${count === 1 ? one : many}`;
  }
  return `${seconds} seconds`;
}

/** The system line of a timer change, as groups and direct chats show it. */
export function describeTimerChange(by: string, seconds: number): string {
  return seconds === 0
    ? `${by} turned off disappearing messages`
    : `${by} set disappearing messages to ${describeTimer(seconds)}`;
}
