import { memo, useState, type Ref } from 'react';
import { formatClock, formatFullTime } from '../format/time.js';
import type { MessageView } from '../messenger/types.js';
import { AttachmentView } from '../media/AttachmentView.js';
import { ViewOnceAttachment } from '../disappearing/ViewOnceAttachment.js';
import { timerName } from '../disappearing/timer-label.js';
import { CallEntry } from '../calls/CallEntry.js';
import { MessageText } from './MessageText.js';
import { TickMark } from './TickMark.js';
import { tickFor } from './ticks.js';
import { Icon } from '../shell/Icon.js';
import { senderColours } from '../groups/usernames.js';
import { MessageActions } from '../rich/MessageActions.js';
import { QuoteBlock } from '../rich/QuoteBlock.js';
import { ReactionChips } from '../rich/ReactionChips.js';

/**
 * What a screen reader says on reaching a message, before its text: who sent it, when, and (own
 * messages) its status, so each tick is heard with its own message.
 */
export function messageLabel(message: MessageView): string {
  const sender = message.outgoing ? 'You' : message.senderName;
  const parts = [sender, formatFullTime(message.sentAt)];
  if (message.outgoing) parts.push(tickFor(message.status).label);
  if (message.disappearingSeconds)
    parts.push(`disappears ${timerName(message.disappearingSeconds)} after reading`);
  if (message.forwarded) parts.push('forwarded');
  if (message.edited) parts.push('edited');
  if (message.deleted) parts.push('deleted');
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
  const [menuOpen, setMenuOpen] = useState(false);
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
    menuOpen ? 'bubble-row--menu' : '',
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
      onContextMenu={(event) => {
        // Right click, and a long press on touch screens, open the message's actions.
        event.preventDefault();
        setMenuOpen(true);
      }}
    >
      <div className="bubble-stack">
        <div className={`bubble bubble--${side} ${message.deleted ? 'bubble--deleted' : ''}`}>
          {showSenderName && !message.outgoing && firstInGroup && (
            <div className="bubble__sender" style={senderColours(message.senderUsername)}>
              {message.senderName}
            </div>
          )}
          {message.forwarded && !message.deleted && (
            <div className="bubble__forwarded">
              <Icon name="forward" size={14} /> Forwarded
            </div>
          )}
          {message.replyTo && !message.deleted && <QuoteBlock quote={message.replyTo} />}
          {message.viewOnce ? (
            <ViewOnceAttachment message={message} />
          ) : (
            message.attachments?.map((pointer) => (
              <AttachmentView key={pointer.blobId} pointer={pointer} />
            ))
          )}
          {message.deleted ? (
            <span className="bubble__tombstone" data-testid="tombstone">
              {message.outgoing ? 'You deleted this message' : 'This message was deleted'}
            </span>
          ) : (
            message.body !== '' && <MessageText messageId={message.id} body={message.body} />
          )}
          {/* Hidden from screen readers: the article's name says it already. */}
          <span className="bubble__meta" aria-hidden="true">
            {message.edited && <span className="bubble__edited">edited</span>}
            {message.disappearingSeconds !== undefined && (
              <span className="bubble__timer" data-testid="disappearing-mark">
                <Icon name="timer" size={12} />
              </span>
            )}
            <time
              dateTime={new Date(message.sentAt).toISOString()}
              title={formatFullTime(message.sentAt)}
            >
              {formatClock(message.sentAt)}
            </time>
            {message.outgoing && <TickMark tick={tickFor(message.status)} />}
          </span>
        </div>
        <ReactionChips message={message} />
      </div>
      <MessageActions message={message} open={menuOpen} onOpenChange={setMenuOpen} />
    </div>
  );
});
