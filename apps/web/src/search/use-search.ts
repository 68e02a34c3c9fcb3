import { useEffect, useState } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import type { SearchResults } from '../messenger/types.js';

export const SEARCH_ANSWER_MEASURE = 'parley:search-answer';

export interface SearchState {
  /** The results of the latest query answered (stale answers are dropped). */
  results: SearchResults | undefined;
  /** A query is being answered. */
  pending: boolean;
  error: Error | undefined;
}

/** Searches as the query changes; an answer to an older query never replaces a newer one. */
export function useSearch(query: string, conversationId?: string): SearchState {
  const messenger = useMessenger();
  const [state, setState] = useState<SearchState>({
    results: undefined,
    pending: false,
    error: undefined,
  });
  useEffect(() => {
    if (query.trim() === '') {
      setState({ results: undefined, pending: false, error: undefined });
      return;
    }
    let current = true;
    setState((previous) => ({ ...previous, pending: true }));
    const asked = performance.now();
    messenger.search(query, conversationId !== undefined ? { conversationId } : {}).then(
      (results) => {
        // How long the messenger took to answer (the search benchmark reports it beside paint);
        // only the latest is kept.
        performance.clearMeasures(SEARCH_ANSWER_MEASURE);
        performance.measure(SEARCH_ANSWER_MEASURE, { start: asked, detail: query });
        if (current) setState({ results, pending: false, error: undefined });
      },
      (error: unknown) =>
        current &&
        setState({
          results: undefined,
          pending: false,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    return () => {
      current = false;
    };
  }, [messenger, query, conversationId]);
  return state;
}
