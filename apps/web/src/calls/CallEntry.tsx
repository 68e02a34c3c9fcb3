import type { Ref } from 'react';
import { formatClock } from '../format/time.js';
import type { MessageView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';

/** A call's line in the timeline: what happened, when, and how long it lasted. */
export function CallEntry({
  message,
  watchRef,
}: {
  message: MessageView & { call: NonNullable<MessageView['call']> };
  watchRef?: Ref<HTMLDivElement>;
}) {
  const { call } = message;
  const bad = call.outcome === 'missed' || call.outcome === 'failed';
  return (
    <div
      className="call-entry-row"
      data-message-id={message.id}
      data-call-outcome={call.outcome}
      data-call-direction={call.direction}
      ref={watchRef}
    >
      <div className={`call-entry ${bad ? 'call-entry--missed' : ''}`} role="note">
        <Icon name={call.media === 'video' ? 'video' : 'phone'} size={16} />
        <span className="call-entry__text">{headline(message.body)}</span>
        {call.outcome === 'answered' && (
          <span
            className="call-entry__duration"
            data-testid="call-duration"
            data-duration-ms={call.durationMs}
          >
            {spokenDuration(call.durationMs)}
          </span>
        )}
        <time className="call-entry__time" dateTime={new Date(message.sentAt).toISOString()}>
          {formatClock(message.sentAt)}
        </time>
      </div>
    </div>
  );
}

/** "45 s", "3 min 5 s", "1 h 2 min": unlike m:ss, never read as a time of day beside the clock. */
function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor(total / 60) % 60;
  const seconds = total % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}

/** core's entry text without the duration (shown on its own). */
function headline(body: string): string {
  return body.replace(/ · [\d:]+$/, '');
}
