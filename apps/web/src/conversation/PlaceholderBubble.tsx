import { memo, type Ref } from 'react';
import { formatClock, formatFullTime } from '../format/time.js';
import type { MessageView } from '../messenger/types.js';
import { senderColours } from '../groups/usernames.js';
import './placeholder.css';

/**
 * A group message this device could not decrypt yet (core keeps it until the sender's key
 * arrives, then the real message takes its place). It says who sent it and when, nothing more.
 */
export const PlaceholderBubble = memo(function PlaceholderBubble({
  message,
  showSenderName,
  watchRef,
}: {
  message: MessageView;
  showSenderName: boolean;
  watchRef?: Ref<HTMLDivElement>;
}) {
  const side = message.outgoing ? 'out' : 'in';
  const who = message.outgoing ? 'your other device' : `${message.senderName}'s device`;
  return (
    <div
      className={`bubble-row bubble-row--${side} bubble-row--first bubble-row--last`}
      ref={watchRef}
      data-message-id={message.id}
      data-placeholder
    >
      <div className={`bubble bubble--${side} bubble--placeholder`}>
        {showSenderName && !message.outgoing && (
          <div className="bubble__sender" style={senderColours(message.senderUsername)}>
            {message.senderName}
          </div>
        )}
        <span className="bubble__text bubble__text--placeholder">
          Waiting for this message. It will appear when {who} is back online.
        </span>
        <span className="bubble__meta">
          <time
            dateTime={new Date(message.sentAt).toISOString()}
            title={formatFullTime(message.sentAt)}
          >
            {formatClock(message.sentAt)}
          </time>
        </span>
      </div>
    </div>
  );
});
