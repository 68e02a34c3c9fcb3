import type { CallRecord } from './types.js';

/**
 * The words of a call's timeline entry, kept as the row's body so that anything reading bodies
 * (search, exports, a client that does not know `call`) says what happened.
 */
export function callEntryText(record: CallRecord): string {
  const media = record.media === 'video' ? 'video call' : 'voice call';
  const kind = record.group ? `group ${media}` : media;
  switch (record.outcome) {
    case 'answered': {
      const direction = record.direction === 'outgoing' ? 'Outgoing' : 'Incoming';
      return `${direction} ${kind} · ${formatCallDuration(record.durationMs)}`;
    }
    case 'missed':
      return `Missed ${kind}`;
    case 'declined':
      return record.direction === 'outgoing' ? `${capital(kind)} declined` : `Declined ${kind}`;
    case 'unanswered':
      return `${capital(kind)} not answered`;
    case 'busy':
      return `${capital(kind)}: line busy`;
    case 'failed':
      return `${capital(kind)} could not connect`;
  }
}

/** `m:ss`, or `h:mm:ss` past an hour. */
export function formatCallDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
