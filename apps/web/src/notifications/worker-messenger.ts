/// <reference lib="webworker" />
import { createMessenger, type Messenger } from '@parley/core';
import { localSearchBackend } from '@parley/core/search';
import * as callsKit from '@parley/core/calls';
import * as provisioningKit from '@parley/core/provisioning';
import * as SignalTs from '@parley/signal-ts';
import type { LoadAutomerge } from '@parley/core';
import { DATABASE_NAME } from '../messenger/database-name.js';

/**
 * Core inside the service worker, on the page's database, as the same device. The search index
 * updates in this thread (a service worker cannot start workers), passed in explicitly: a
 * service worker cannot `import()` one on demand either. Acks leave at once, since the worker
 * closes core as soon as it has shown what arrived.
 */
export function openWorkerMessenger(
  scope: ServiceWorkerGlobalScope,
  automerge: LoadAutomerge,
): Promise<Messenger> {
  return createMessenger({
    relayUrl: scope.location.origin,
    databaseName: DATABASE_NAME,
    engine: SignalTs,
    // Its wasm from the precache (worker-automerge.ts): a service worker may not import().
    automerge,
    ackDelayMs: 0,
    searchBackend: localSearchBackend,
    // Static: a classic script may not import() (core then records an invite as missed here).
    calls: async () => callsKit,
    // The service worker never links a device; a classic script may not import() the code.
    // It never links a device, but opens profiles a push brings (their cipher is in this kit).
    provisioning: async () => provisioningKit,
  });
}
