import { hrefFor } from '../app/route.js';
import { formatListTime } from '../format/time.js';
import { useNow } from '../format/use-now.js';
import type { ConversationView } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import './requests.css';
import { lastMessageText } from '../chats/last-message-text.js';

/**
 * Chats strangers started, apart from the chats (as Signal's and WhatsApp's message requests):
 * no unread badges, since a stranger's message is not worth the person's attention until they
 * choose to look. Opening one shows its messages with Accept / Delete / Block (RequestBar).
 */
export function MessageRequestsSection({
  requests,
  openConversationId,
}: {
  requests: readonly ConversationView[];
  openConversationId: string | undefined;
}) {
  const now = useNow();
  if (requests.length === 0) return null;
  return (
    <section className="requests" aria-labelledby="message-requests-title">
      <h2 id="message-requests-title" className="requests__title">
        Message requests <span className="requests__count">{requests.length}</span>
      </h2>
      <ul className="requests__items">
        {requests.map((request) => (
          <li key={request.id}>
            <a
              className="chat-item requests__item"
              href={hrefFor({ name: 'chat', conversationId: request.id })}
              aria-current={request.id === openConversationId ? 'page' : undefined}
              aria-label={`${request.title}, ${
                request.invitedBy ? `group invitation from ${request.invitedBy}` : 'message request'
              }${request.lastMessage ? `: ${lastMessageText(request.lastMessage)}` : ''}`}
              data-conversation-id={request.id}
            >
              <Avatar name={request.title} />
              <span className="chat-item__body">
                <span className="chat-item__top">
                  <span className="chat-item__title">{request.title}</span>
                  {request.lastMessage && (
                    <time
                      className="chat-item__time"
                      dateTime={new Date(request.lastMessage.sentAt).toISOString()}
                    >
                      {formatListTime(request.lastMessage.sentAt, now)}
                    </time>
                  )}
                </span>
                <span className="chat-item__bottom">
                  <span className="chat-item__preview">
                    <span className="chat-item__preview-text">
                      {(request.lastMessage && lastMessageText(request.lastMessage)) ??
                        (request.invitedBy
                          ? `${request.invitedBy} added you`
                          : 'Wants to chat with you')}
                    </span>
                  </span>
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
