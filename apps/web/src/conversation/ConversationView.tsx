import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { MuteMenu } from '../notifications/MuteMenu.js';
import { GroupReadState } from '../groups/GroupReadState.js';
import { ChatSearchBar } from '../search/ChatSearchBar.js';
import { hrefFor } from '../app/route.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';
import { DeletedAccountBar, RequestBar } from '../requests/RequestBar.js';
import { BlockedBar } from '../chat-info/BlockedBar.js';
import { CallButtons } from '../calls/CallButtons.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.js';
import { RichProvider } from '../rich/rich-context.js';
import '../rich/rich.css';
import './conversation.css';
import { DisappearingMenu } from '../disappearing/DisappearingMenu.js';
import { ViewOnceViewerHost } from '../disappearing/view-once-viewer.js';

const GroupInfoDialog = lazy(() => import('../groups/GroupInfoDialog.js'));
const ChatInfoDialog = lazy(() => import('../chat-info/ChatInfoDialog.js'));

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
  // A search result older than the newest page: its part of the history is loaded (0820).
  useEffect(() => {
    if (focusMessageId) void messenger.showMessage(conversationId, focusMessageId);
  }, [messenger, conversationId, focusMessageId]);
  const messages = useObservable(messagesObservable);
  const [searching, setSearching] = useState(false);
  const [infoOpen, setInfoOpen] = useState(false);
  const [chatInfoOpen, setChatInfoOpen] = useState(false);
  const group = conversation?.kind === 'group' ? messenger.groupInfo(conversationId) : undefined;
  const blocked = useObservable(messenger.accountSettings).blocked;

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
  const isGroup = conversation.kind === 'group';
  return (
    <RichProvider conversationId={conversationId} key={conversationId}>
      <section
        className="conversation"
        aria-label={isGroup ? `Group ${conversation.title}` : `Chat with ${conversation.title}`}
      >
        <header className="conversation__header">
          <a
            className="icon-button conversation__back"
            href={hrefFor({ name: 'chats' })}
            aria-label="Back to chats"
          >
            <Icon name="back" />
          </a>
          <Avatar name={conversation.title} size={40} src={conversation.avatar} />
          <div className="conversation__heading">
            <h2>{conversation.title}</h2>
            {isGroup && (
              <p className="conversation__members" data-testid="member-count">
                {conversation.memberCount ?? 0}{' '}
                {conversation.memberCount === 1 ? 'member' : 'members'}
              </p>
            )}
            <p className="conversation__status" aria-live="polite" data-testid="typing-indicator">
              {typing.length > 0 ? (
                <span className="typing">
                  <span className="typing__dots" aria-hidden="true">
                    <i />
                    <i />
                    <i />
                  </span>
                  {isGroup
                    ? `${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…`
                    : 'typing…'}
                </span>
              ) : (
                <span className="conversation__e2ee">
                  <Icon name="lock" size={12} /> End-to-end encrypted
                </span>
              )}
            </p>
          </div>
          <CallButtons conversation={conversation} />
          {isGroup && (
            <button
              type="button"
              className="icon-button"
              aria-label={`Group info for ${conversation.title}`}
              onClick={() => setInfoOpen(true)}
            >
              <Icon name="group" />
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label={`Chat info for ${conversation.title}`}
            onClick={() => setChatInfoOpen(true)}
          >
            <Icon name="info" />
          </button>
          <DisappearingMenu conversation={conversation} />
          <MuteMenu conversationId={conversationId} title={conversation.title} />
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
          conversationId={conversationId}
          messages={messages}
          showSenderNames={conversation.kind === 'group'}
          {...(focusMessageId ? { focusMessageId } : {})}
          {...(conversation.lastMessage ? { newest: conversation.lastMessage } : {})}
          onOlder={() => messenger.showOlderMessages(conversationId)}
          onNewer={() => messenger.showNewerMessages(conversationId)}
          onNewest={() => messenger.showNewestMessages(conversationId)}
        />
        <NewMessageAnnouncer messages={messages} />
        {isGroup && <GroupReadState conversationId={conversationId} messages={messages} />}
        {group && !group.isMember ? (
          <p className="conversation__removed" role="status">
            {group.former === 'left'
              ? 'You left this group.'
              : 'You were removed from this group. You can no longer send or receive messages.'}
          </p>
        ) : conversation.peerDeleted ? (
          <DeletedAccountBar />
        ) : conversation.peerAccountId && blocked.includes(conversation.peerAccountId) ? (
          <BlockedBar peerAccountId={conversation.peerAccountId} title={conversation.title} />
        ) : conversation.request ? (
          <RequestBar conversation={conversation} />
        ) : (
          <Composer conversationId={conversationId} title={conversation.title} />
        )}
        <ViewOnceViewerHost />
        {chatInfoOpen && (
          <Suspense fallback={null}>
            <ChatInfoDialog conversation={conversation} onClose={() => setChatInfoOpen(false)} />
          </Suspense>
        )}
        {infoOpen && (
          <Suspense fallback={null}>
            <GroupInfoDialog conversationId={conversationId} onClose={() => setInfoOpen(false)} />
          </Suspense>
        )}
      </section>
    </RichProvider>
  );
}
