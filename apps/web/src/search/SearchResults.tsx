import { startTransition, useEffect, useState } from 'react';
import { hrefFor } from '../app/route.js';
import { formatListTime } from '../format/time.js';
import { useNow } from '../format/use-now.js';
import type { SearchResults as Results } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';
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

/** Matching messages rendered first: more than a tall window shows (docs/decisions/0820). */
export const FIRST_RESULTS = 24;

/**
 * Renders the first screenful of `results` at once and the rest right after it was painted, as
 * a transition a newer query interrupts: up to 200 results cost several frames to render, and
 * typing should not wait for results below the fold. True once all of them are rendered.
 */
function useAllRendered(results: Results): boolean {
  const [rendered, setRendered] = useState<Results>();
  const all = rendered === results;
  useEffect(() => {
    if (all) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A frame, then a task: runs after the first screenful is painted.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setRendered(results)));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [results, all]);
  return all;
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
  const all = useAllRendered(results);
  let budget = all ? Infinity : FIRST_RESULTS;
  return (
    <>
      <p
        className="search-results__summary"
        role="status"
        // Every result is rendered (the search benchmark waits for it too).
        data-complete={all ? results.query : undefined}
      >
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
          {results.groups.map((group) => {
            if (budget <= 0) return null;
            const shown =
              budget >= group.messages.length ? group.messages : group.messages.slice(0, budget);
            budget -= shown.length;
            return (
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
                  {shown.map((message) => (
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
                                ? message.senderName
                                : ''}
                          </span>
                          <time dateTime={new Date(message.sentAt).toISOString()}>
                            {formatListTime(message.sentAt, now)}
                          </time>
                        </span>
                        <span className="search-result__text">
                          {message.inFileName && (
                            <>
                              <Icon name="file" size={16} className="search-result__file-icon" />
                              <span className="visually-hidden">File: </span>
                            </>
                          )}
                          <Highlighted text={message.text} ranges={message.highlights} snippet />
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </section>
      )}
    </>
  );
}
