/// <reference lib="webworker" />
/**
 * The search index's thread: core's LocalSearchIndex, persisted in IndexedDB, answering the
 * page's WorkerSearchBackend. The page names the worker after its device database.
 */
import { LocalSearchIndex, serveSearchBackend } from '@parley/core/search';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// Preloaded: the saved index loads here while the page reads the stored message ids.
serveSearchBackend(scope, new LocalSearchIndex({ databaseName: scope.name, preload: true }));
