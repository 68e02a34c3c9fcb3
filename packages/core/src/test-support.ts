/**
 * `@parley/core/test-support`: helpers for tests and benchmarks, never for the app. Browser-safe
 * (no native modules, no Node APIs).
 */
export {
  seedConversations,
  type SeedAccount,
  type SeedOptions,
  type SeedRows,
} from './test-support/seed.js';
export {
  corpus,
  corpusMessage,
  CORPUS_QUERIES,
  seededRandom,
} from './test-support/search-corpus.js';
export { offlineViews } from './test-support/offline-views.js';
export { storeDirectChat } from './test-support/stored-chat.js';
export type { ContactRow, ConversationRow, DocSnapshotRow, MessageRow } from './store/database.js';
