/// <reference lib="webworker" />
/**
 * The search index's thread: core's LocalSearchIndex, persisted in IndexedDB, answering the
 * page's WorkerSearchBackend. The page names the worker after its device database.
 */
import { LocalSearchIndex, serveSearchBackend } from '@parley/core/search';

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveSearchBackend(scope, new LocalSearchIndex({ databaseName: scope.name }));
