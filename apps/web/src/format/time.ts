/** Dates and times as a person reads them, in the browser's locale. */

const dayMs = 86_400_000;

/**
 * Intl formatters are costly to build (tenths of a millisecond each) and a chat list of thousands
 * formats several dates per row, so each distinct formatter is built once and reused.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  locale: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, cached);
  }
  return cached;
}

/** Midnight (local time) of the day holding `time`. */
export function startOfDay(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Whole calendar days between two instants (local time), robust to DST changes. */
export function calendarDaysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / dayMs);
}

export function formatClock(time: number, locale?: string): string {
  return formatter(locale, { hour: 'numeric', minute: '2-digit' }).format(time);
}

/** Day separator label: Today, Yesterday, a weekday within the last week, else a full date. */
export function formatDayLabel(day: number, now: number, locale?: string): string {
  const days = calendarDaysBetween(day, now);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return formatter(locale, { weekday: 'long' }).format(day);
  const sameYear = new Date(day).getFullYear() === new Date(now).getFullYear();
  return formatter(locale, {
    day: 'numeric',
    month: 'long',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(day);
}

/** Chat list time: clock today, Yesterday, short weekday within a week, else a short date. */
export function formatListTime(time: number, now: number, locale?: string): string {
  const days = calendarDaysBetween(time, now);
  if (days <= 0) return formatClock(time, locale);
  if (days === 1) return 'Yesterday';
  if (days < 7) return formatter(locale, { weekday: 'short' }).format(time);
  return formatter(locale, { day: 'numeric', month: 'short', year: '2-digit' }).format(time);
}

/** Full date and time, for a timestamp's accessible label and tooltip. */
export function formatFullTime(time: number, locale?: string): string {
  return formatter(locale, { dateStyle: 'full', timeStyle: 'short' }).format(time);
}
