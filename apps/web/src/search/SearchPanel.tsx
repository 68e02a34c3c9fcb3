import { useRef } from 'react';
import { moveBetweenResults } from './keyboard.js';
import { SearchResults } from './SearchResults.js';
import { useSearch } from './use-search.js';
import './search.css';

/**
 * The results that replace the chat list while the field holds a query. A chunk of its own (with
 * the results list and the search client), loaded when the browser is idle after first paint.
 */
export default function SearchPanel({
  query,
  id,
  fieldRef,
  openMessageId,
}: {
  query: string;
  id: string;
  fieldRef: React.RefObject<HTMLInputElement | null>;
  openMessageId?: string;
}) {
  const { results, pending, error } = useSearch(query);
  const container = useRef<HTMLDivElement>(null);
  return (
    <div
      id={id}
      ref={container}
      className="search-results"
      aria-busy={pending}
      // The query the results on screen answer (the search benchmark waits for it).
      data-answered={results?.query}
      onKeyDown={(event) => moveBetweenResults(event, container.current, fieldRef.current)}
    >
      {error && (
        <p className="search-results__summary" role="alert">
          {error.message}
        </p>
      )}
      {results && <SearchResults results={results} {...(openMessageId ? { openMessageId } : {})} />}
    </div>
  );
}
