/// <reference lib="webworker" />
import { createMessenger, type Messenger } from '@parley/core';
import { deferredSearchBackend } from '@parley/core/search';
import * as callsKit from '@parley/core/calls';
import * as provisioningKit from '@parley/core/provisioning';
import * as SignalTs from '@parley/signal-ts';
import type { LoadAutomerge } from '@parley/core';
import { DATABASE_NAME } from '../messenger/database-name.js';

/**
 * Core inside the service worker, on the page's database, as the same device. It keeps no
 * search index: loading and writing the whole index to show one notification would cost
 * seconds per push, so changes are recorded for the page's index (deferredSearchBackend), which
 * indexes them when it next starts. Passed in explicitly: a service worker cannot `import()`.
 * Acks leave at once, since the worker closes core as soon as it has shown what arrived.
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
    searchBackend: deferredSearchBackend,
    // Static: a classic script may not import() (core then records an invite as missed here).
    calls: async () => callsKit,
    // The service worker never links a device; a classic script may not import() the code.
    // It never links a device, but opens profiles a push brings (their cipher is in this kit).
    provisioning: async () => provisioningKit,
  });
}
