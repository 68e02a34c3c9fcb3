import type { ConversationDoc, TimerChange } from '../conversations/conversation-doc.js';
import { MAX_DISAPPEARING_SECONDS } from '../groups/limits.js';

/**
 * A direct chat's timer: the change last in timeline order (hlc, then entry id), the same one the
 * timeline shows last, so every device agrees on both. Malformed changes (from a peer) are
 * skipped. Groups keep their timer in the membership log (groups/membership-fold.ts).
 */
export function directChatTimer(doc: ConversationDoc): number {
  let last: { id: string; change: TimerChange } | undefined;
  for (const [id, change] of doc.timerChanges.entries()) {
    if (!isTimerChange(change)) continue;
    if (!last || change.hlc > last.change.hlc || (change.hlc === last.change.hlc && id > last.id)) {
      last = { id, change };
    }
  }
  return last?.change.seconds ?? 0;
}

export function isTimerSeconds(seconds: unknown): seconds is number {
  return (
    typeof seconds === 'number' &&
    Number.isSafeInteger(seconds) &&
    seconds >= 0 &&
    seconds <= MAX_DISAPPEARING_SECONDS
  );
}

function isTimerChange(value: unknown): value is TimerChange {
  if (typeof value !== 'object' || value === null) return false;
  const change = value as Partial<TimerChange>;
  return isTimerSeconds(change.seconds) && typeof change.hlc === 'number';
}
