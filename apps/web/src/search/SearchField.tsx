import { Icon } from '../shell/Icon.js';
import './search.css';

/** The search field of the chat list. */
export function SearchField({
  query,
  onQueryChange,
  fieldRef,
  resultsId,
}: {
  query: string;
  onQueryChange: (query: string) => void;
  fieldRef: React.RefObject<HTMLInputElement | null>;
  resultsId: string;
}) {
  return (
    <div className="search-field" role="search">
      <Icon name="search" size={18} className="search-field__icon" />
      <input
        ref={fieldRef}
        type="search"
        className="search-field__input"
        placeholder="Search messages and chats"
        aria-label="Search messages and chats"
        // The results panel exists only while there is a query: an id naming nothing is invalid ARIA.
        aria-controls={query !== '' ? resultsId : undefined}
        value={query}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => onQueryChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onQueryChange('');
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            document
              .getElementById(resultsId)
              ?.querySelector<HTMLAnchorElement>('a.search-result')
              ?.focus();
          }
        }}
      />
      {query !== '' && (
        <button
          type="button"
          className="icon-button search-field__clear"
          aria-label="Clear search"
          onClick={() => onQueryChange('')}
        >
          <Icon name="close" size={18} />
        </button>
      )}
    </div>
  );
}
