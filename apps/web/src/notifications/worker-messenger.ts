/// <reference lib="webworker" />
import { createMessenger, type Messenger } from '@parley/core';
import * as SignalTs from '@parley/signal-ts';
import { automergeWithWasm } from '../messenger/automerge-wasm.js';
import { DATABASE_NAME } from '../messenger/database-name.js';

/**
 * Core inside the service worker, on the page's database, as the same device. The search index
 * updates in this thread (workers cannot start workers here); acks leave at once, since the
 * worker closes core as soon as it has shown what arrived.
 */
export function openWorkerMessenger(scope: ServiceWorkerGlobalScope): Promise<Messenger> {
  return createMessenger({
    relayUrl: scope.location.origin,
    databaseName: DATABASE_NAME,
    engine: SignalTs,
    // Statically imported: a service worker may not import() (docs/decisions/0720).
    automerge: automergeWithWasm,
    ackDelayMs: 0,
  });
}
