import { createMessenger, TIMELINE_PAGE, WorkerSearchBackend } from '@parley/core';
import { browserDeviceName } from '../linking/device-name.js';
import { DATABASE_NAME } from './database-name.js';
import { loadAutomerge } from './load-automerge.js';
import type { Messenger } from './types.js';

/** The relay serves the app, so it lives on the page's own origin. */
export function relayUrlForPage(location: Location): string {
  return location.origin;
}

/** The real client core with the browser Signal engine (a TypeScript libsignal). */
export function createRealMessenger(): Promise<Messenger> {
  return createMessenger({
    relayUrl: relayUrlForPage(location),
    databaseName: DATABASE_NAME,
    // Loaded while the first screen is read: the chat list needs no cryptography (decision 0503).
    engine: () => import('@parley/signal-ts'),
    automerge: loadAutomerge,
    platform: browserDeviceName(),
    // The chat list renders from the first screen's read; the rest loads behind it (0820).
    firstScreenFirst: true,
    // Timelines load page by page as they scroll up (conversation/MessageList.tsx).
    timelinePage: TIMELINE_PAGE,
    // Only the linking screens need it: fetched when one of them starts (decision 0503).
    provisioning: () => import('@parley/core/provisioning'),
    // Fetched on the first call or call signal; signals wait for it in order (decision 0503).
    calls: () => import('@parley/core/calls'),
    // The search index lives in a Web Worker (src/search/search.worker.ts), off the UI thread.
    searchBackend: () =>
      new WorkerSearchBackend(
        new Worker(new URL('../search/search.worker.ts', import.meta.url), {
          type: 'module',
          name: DATABASE_NAME,
        }),
      ),
  });
}
