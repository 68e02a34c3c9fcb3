/**
 * `@parley/core/search`: what a Web Worker needs to host the search index (it imports nothing
 * else of core), and the page's client for it.
 */
export {
  LocalSearchIndex,
  localSearchBackend,
  SAVE_DELAY_MS,
  type LocalIndexOptions,
} from './local-index.js';
export { DeferredSearchIndex, deferredSearchBackend } from './deferred-index.js';
export {
  serveSearchBackend,
  WorkerSearchBackend,
  SearchWorkerError,
  type MessageEndpoint,
} from './worker-protocol.js';
export type * from './search-document.js';
export { normalize, tokenize, terms, type Token } from './tokenizer.js';
export { highlightRanges } from './highlight.js';
