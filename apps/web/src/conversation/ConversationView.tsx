import { useMemo, useState } from 'react';
import { ChatSearchBar } from '../search/ChatSearchBar.js';
import { hrefFor } from '../app/route.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.js';
import { useMarkRead } from './use-mark-read.js';
import './conversation.css';

/** One open chat: header, the virtualized timeline and the composer. */
export default function ConversationView({
  conversationId,
  focusMessageId,
}: {
  conversationId: string;
  /** Opened from a search result: this message is shown in its place, highlighted. */
  focusMessageId?: string;
}) {
  const messenger = useMessenger();
  const conversations = useObservable(messenger.conversationList);
  const conversation = useMemo(
    () => conversations.find((c) => c.id === conversationId),
    [conversations, conversationId],
  );
  const messagesObservable = useMemo(
    () => messenger.messages(conversationId),
    [messenger, conversationId],
  );
  const messages = useObservable(messagesObservable);
  const [searching, setSearching] = useState(false);
  useMarkRead(conversationId, messages);

  if (!conversation) {
    return (
      <div className="empty-detail" role="status">
        <h2>Chat not found</h2>
        <p>This chat doesn't exist on this device.</p>
        <a className="button" href={hrefFor({ name: 'chats' })}>
          Back to chats
        </a>
      </div>
    );
  }

  const typing = conversation.typing;
  return (
    <section className="conversation" aria-label={`Chat with ${conversation.title}`}>
      <header className="conversation__header">
        <a
          className="icon-button conversation__back"
          href={hrefFor({ name: 'chats' })}
          aria-label="Back to chats"
        >
          <Icon name="back" />
        </a>
        <Avatar name={conversation.title} size={40} />
        <div className="conversation__heading">
          <h2>{conversation.title}</h2>
          <p className="conversation__status" aria-live="polite" data-testid="typing-indicator">
            {typing.length > 0 ? (
              <span className="typing">
                <span className="typing__dots" aria-hidden="true">
                  <i />
                  <i />
                  <i />
                </span>
                {conversation.kind === 'group' ? `${typing.join(', ')} typing…` : 'typing…'}
              </span>
            ) : (
              <span className="conversation__e2ee">
                <Icon name="lock" size={12} /> End-to-end encrypted
              </span>
            )}
          </p>
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Search this chat"
          aria-expanded={searching}
          onClick={() => setSearching((open) => !open)}
        >
          <Icon name="search" />
        </button>
        <a
          className="icon-button"
          href={hrefFor({ name: 'settings' })}
          aria-label={`Safety number and settings for ${conversation.title}`}
        >
          <Icon name="shield" />
        </a>
      </header>
      {searching && (
        <ChatSearchBar
          conversationId={conversationId}
          title={conversation.title}
          onClose={() => setSearching(false)}
        />
      )}
      <MessageList
        messages={messages}
        showSenderNames={conversation.kind === 'group'}
        {...(focusMessageId ? { focusMessageId } : {})}
      />
      <NewMessageAnnouncer messages={messages} />
      <Composer conversationId={conversationId} title={conversation.title} />
    </section>
  );
}
