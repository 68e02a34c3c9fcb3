import { memo } from 'react';
import { hrefFor } from '../app/route.js';
import { tickFor } from '../conversation/ticks.js';
import { TickMark } from '../conversation/TickMark.js';
import { formatFullTime, formatListTime } from '../format/time.js';
import type { ConversationView } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { Icon, type IconName } from '../shell/Icon.js';
import { lastMessageText } from './last-message-text.js';

function preview(conversation: ConversationView): string {
  if (conversation.peerDeleted) return 'This account no longer exists';
  if (conversation.typing.length > 0) return 'typing…';
  const last = conversation.lastMessage;
  if (!last) return 'No messages yet';
  return last.outgoing ? `You: ${lastMessageText(last)}` : lastMessageText(last);
}

const ATTACHMENT_ICONS: Record<string, IconName> = {
  image: 'photo',
  video: 'video',
  voice: 'mic',
  audio: 'mic',
  file: 'file',
};

function previewClass(typing: boolean, unread: number): string {
  if (typing) return 'chat-item__preview chat-item__preview--typing';
  return unread > 0 ? 'chat-item__preview chat-item__preview--unread' : 'chat-item__preview';
}

/** One row of the chat list: a link to the chat with its last message, time and unread count. */
export const ChatListItem = memo(function ChatListItem({
  conversation,
  selected,
  pinned = false,
  tabbable,
  now,
}: {
  conversation: ConversationView;
  selected: boolean;
  /** Pinned to the top of the list (account settings). */
  pinned?: boolean;
  /** The one chat of the list in the Tab order (roving tabindex); arrows reach the others. */
  tabbable: boolean;
  now: number;
}) {
  const last = conversation.lastMessage;
  const unread = conversation.unreadCount;
  const typing = conversation.typing.length > 0;
  const label = [
    conversation.title,
    pinned ? 'pinned' : null,
    unread > 0 ? `${unread} unread message${unread === 1 ? '' : 's'}` : null,
    typing
      ? 'typing'
      : last
        ? `${last.outgoing ? 'You' : conversation.title}: ${lastMessageText(last)}`
        : null,
    last ? formatFullTime(last.sentAt) : null,
  ]
    .filter(Boolean)
    .join(', ');

  return (
    <a
      className="chat-item"
      href={hrefFor({ name: 'chat', conversationId: conversation.id })}
      aria-current={selected ? 'page' : undefined}
      aria-label={label}
      tabIndex={tabbable ? 0 : -1}
      data-conversation-id={conversation.id}
      data-pinned={pinned || undefined}
    >
      <Avatar name={conversation.title} src={conversation.avatar} />
      <span className="chat-item__body">
        <span className="chat-item__top">
          <span className="chat-item__title">{conversation.title}</span>
          {last && (
            <time
              className={`chat-item__time ${unread > 0 ? 'chat-item__time--unread' : ''}`}
              dateTime={new Date(last.sentAt).toISOString()}
            >
              {formatListTime(last.sentAt, now)}
            </time>
          )}
        </span>
        <span className="chat-item__bottom">
          <span className={previewClass(typing, unread)}>
            {last?.outgoing && !typing && <TickMark tick={tickFor(last.status)} />}
            {last?.attachment && !typing && !conversation.peerDeleted && (
              <Icon
                name={ATTACHMENT_ICONS[last.attachment.kind] ?? 'file'}
                size={16}
                className="chat-item__attachment-icon"
              />
            )}
            <span className="chat-item__preview-text" dir="auto">
              {preview(conversation)}
            </span>
          </span>
          {pinned && <Icon name="pin" size={16} className="chat-item__pin" />}
          {unread > 0 && (
            <span className="unread-badge" data-testid="unread-count">
              {unread > 999 ? '999+' : unread}
            </span>
          )}
        </span>
      </span>
    </a>
  );
});
