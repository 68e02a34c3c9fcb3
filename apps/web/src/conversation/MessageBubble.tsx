import { memo, type Ref } from 'react';
import { formatClock, formatFullTime } from '../format/time.js';
import type { MessageView } from '../messenger/types.js';
import { AttachmentView } from '../media/AttachmentView.js';
import { CallEntry } from '../calls/CallEntry.js';
import { MessageText } from './MessageText.js';
import { TickMark } from './TickMark.js';
import { tickFor } from './ticks.js';
import { senderHue } from '../groups/usernames.js';

/**
 * What a screen reader says on reaching a message, before its text: who sent it, when, and (own
 * messages) its status, so each tick is heard with its own message.
 */
export function messageLabel(message: MessageView): string {
  const sender = message.outgoing ? 'You' : message.senderUsername;
  const parts = [sender, formatFullTime(message.sentAt)];
  if (message.outgoing) parts.push(tickFor(message.status).label);
  return parts.join(', ');
}

/** One message. Bubbles of a run share a side; the last one of a run carries the tail. */
export const MessageBubble = memo(function MessageBubble({
  message,
  firstInGroup,
  lastInGroup,
  showSenderName,
  found = false,
  watchRef,
}: {
  message: MessageView;
  firstInGroup: boolean;
  lastInGroup: boolean;
  showSenderName: boolean;
  /** The message a search result opened: highlighted in its place. */
  found?: boolean;
  /** Told when the bubble mounts, so the list can see whether it is on screen. */
  watchRef?: Ref<HTMLDivElement>;
}) {
  if (message.call)
    return <CallEntry message={{ ...message, call: message.call }} watchRef={watchRef} />;
  if (message.kind === 'system') {
    return (
      <div className="system-message" data-message-id={message.id} ref={watchRef}>
        <span>{message.body}</span>
      </div>
    );
  }
  const side = message.outgoing ? 'out' : 'in';
  const classes = [
    'bubble-row',
    `bubble-row--${side}`,
    firstInGroup ? 'bubble-row--first' : '',
    lastInGroup ? 'bubble-row--last' : '',
    found ? 'bubble-row--found' : '',
  ].join(' ');
  return (
    <div
      className={classes}
      ref={watchRef}
      role="article"
      aria-label={messageLabel(message)}
      data-message-id={message.id}
      data-status={message.outgoing ? message.status : undefined}
      data-found={found || undefined}
      aria-current={found || undefined}
    >
      <div className={`bubble bubble--${side}`}>
        {showSenderName && !message.outgoing && firstInGroup && (
          <div
            className="bubble__sender"
            style={{ color: `hsl(${senderHue(message.senderUsername)} 60% 42%)` }}
          >
            {message.senderUsername}
          </div>
        )}
        {message.attachments?.map((pointer) => (
          <AttachmentView key={pointer.blobId} pointer={pointer} />
        ))}
        {message.body !== '' && <MessageText messageId={message.id} body={message.body} />}
        {/* Hidden from screen readers: the article's name says it already. */}
        <span className="bubble__meta" aria-hidden="true">
          <time
            dateTime={new Date(message.sentAt).toISOString()}
            title={formatFullTime(message.sentAt)}
          >
            {formatClock(message.sentAt)}
          </time>
          {message.outgoing && <TickMark tick={tickFor(message.status)} />}
        </span>
      </div>
    </div>
  );
});
