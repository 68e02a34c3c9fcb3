import { useEffect, useState } from 'react';
import { navigate } from '../app/route.js';
import { Icon } from '../shell/Icon.js';
import { useSearch } from './use-search.js';
import './search.css';

/**
 * Search inside one chat: each match is shown in its place in the timeline (newest first); Enter
 * or the arrows step to older and newer matches, Escape closes.
 */
export function ChatSearchBar({
  conversationId,
  title,
  onClose,
}: {
  conversationId: string;
  title: string;
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const { results } = useSearch(query, conversationId);
  const matches = results?.groups[0]?.messages ?? [];
  const total = matches.length;

  useEffect(() => setCurrent(0), [results]);
  const messageId = matches[current]?.messageId;
  useEffect(() => {
    if (messageId) navigate({ name: 'chat', conversationId, messageId });
  }, [conversationId, messageId]);

  const step = (delta: number) => {
    if (total > 0) setCurrent((index) => (index + delta + total) % total);
  };
  return (
    <div className="chat-search" role="search">
      <Icon name="search" size={18} className="search-field__icon" />
      <input
        type="search"
        className="search-field__input"
        aria-label={`Search in the chat with ${title}`}
        placeholder="Search in this chat"
        autoFocus
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onClose();
          if (event.key === 'Enter') step(event.shiftKey ? -1 : 1);
        }}
      />
      <span className="chat-search__count" role="status">
        {query.trim() === '' ? '' : total === 0 ? 'No matches' : `${current + 1} of ${total}`}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Older match"
        disabled={total < 2}
        onClick={() => step(1)}
      >
        <Icon name="chevron-up" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Newer match"
        disabled={total < 2}
        onClick={() => step(-1)}
      >
        <Icon name="chevron-down" />
      </button>
      <button type="button" className="icon-button" aria-label="Close search" onClick={onClose}>
        <Icon name="close" />
      </button>
    </div>
  );
}
