/// <reference lib="webworker" />
import { createMessenger, type Messenger } from '@parley/core';
import { localSearchBackend } from '@parley/core/search';
import * as SignalTs from '@parley/signal-ts';
import { automergeWithWasm } from '../messenger/automerge-wasm.js';
import { DATABASE_NAME } from '../messenger/database-name.js';

/**
 * Core inside the service worker, on the page's database, as the same device. The search index
 * updates in this thread (a service worker cannot start workers), passed in explicitly: a
 * service worker cannot `import()` one on demand either. Acks leave at once, since the worker
 * closes core as soon as it has shown what arrived.
 */
export function openWorkerMessenger(scope: ServiceWorkerGlobalScope): Promise<Messenger> {
  return createMessenger({
    relayUrl: scope.location.origin,
    databaseName: DATABASE_NAME,
    engine: SignalTs,
    // Statically imported: a service worker may not import() (docs/decisions/0720).
    automerge: automergeWithWasm,
    ackDelayMs: 0,
    searchBackend: localSearchBackend,
  });
}
