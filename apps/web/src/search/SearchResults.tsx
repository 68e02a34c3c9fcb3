import { hrefFor } from '../app/route.js';
import { formatListTime } from '../format/time.js';
import { useNow } from '../format/use-now.js';
import type { SearchResults as Results } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { Highlighted } from './Highlighted.js';

function summary(results: Results): string {
  const messages = results.groups.reduce((sum, group) => sum + group.messages.length, 0);
  const chats = results.groups.length;
  if (messages === 0 && results.chats.length === 0) return `No results for “${results.query}”`;
  const parts: string[] = [];
  if (results.chats.length > 0)
    parts.push(`${results.chats.length} chat${results.chats.length === 1 ? '' : 's'}`);
  if (messages > 0)
    parts.push(
      `${messages} message${messages === 1 ? '' : 's'} in ${chats} chat${chats === 1 ? '' : 's'}`,
    );
  return parts.join(', ');
}

/** Matching chats, then matching messages grouped by chat; each result opens the message in place. */
export function SearchResults({
  results,
  openMessageId,
}: {
  results: Results;
  openMessageId?: string;
}) {
  const now = useNow();
  return (
    <>
      <p className="search-results__summary" role="status">
        {summary(results)}
      </p>
      {results.chats.length > 0 && (
        <section className="search-section" aria-label="Chats">
          <h3 className="search-section__heading">Chats</h3>
          <ul className="search-section__list">
            {results.chats.map((chat) => (
              <li key={chat.conversationId}>
                <a
                  className="search-result search-result--chat"
                  href={hrefFor({ name: 'chat', conversationId: chat.conversationId })}
                >
                  <Avatar name={chat.title} size={36} />
                  <span className="search-result__title">
                    <Highlighted text={chat.title} ranges={chat.highlights} />
                  </span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {results.groups.length > 0 && (
        <section className="search-section" aria-label="Messages">
          <h3 className="search-section__heading">Messages</h3>
          {results.groups.map((group) => (
            <section
              key={group.conversationId}
              className="search-group"
              aria-label={`${group.messages.length} in ${group.title}`}
            >
              <h4 className="search-group__title">
                <Avatar name={group.title} size={24} />
                <span>{group.title}</span>
                <span className="search-group__count">{group.messages.length}</span>
              </h4>
              <ul className="search-section__list">
                {group.messages.map((message) => (
                  <li key={message.messageId}>
                    <a
                      className="search-result"
                      data-message-id={message.messageId}
                      aria-current={message.messageId === openMessageId ? 'true' : undefined}
                      href={hrefFor({
                        name: 'chat',
                        conversationId: group.conversationId,
                        messageId: message.messageId,
                      })}
                    >
                      <span className="search-result__meta">
                        <span className="search-result__sender">
                          {message.outgoing
                            ? 'You'
                            : group.kind === 'group'
                              ? message.senderUsername
                              : ''}
                        </span>
                        <time dateTime={new Date(message.sentAt).toISOString()}>
                          {formatListTime(message.sentAt, now)}
                        </time>
                      </span>
                      <span className="search-result__text">
                        <Highlighted text={message.text} ranges={message.highlights} snippet />
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </section>
      )}
    </>
  );
}
