/// <reference lib="webworker" />
import * as Automerge from '@automerge/automerge/slim';
import { matchPrecache } from 'workbox-precaching';

type ManifestEntry = string | { url: string };

/**
 * Automerge for core inside the service worker. Its wasm is read from the worker's precache by
 * its hashed name (found in the precache manifest), never inlined into sw.js: an inlined copy is
 * a data: URL, which the relay's CSP (connect-src) does not let the worker fetch, so core never
 * opened and a push woke the worker for nothing.
 */
export function workerAutomerge(
  manifest: readonly ManifestEntry[],
): () => Promise<typeof Automerge> {
  const entry = manifest
    .map((item) => (typeof item === 'string' ? item : item.url))
    .find((url) => /automerge[^/]*\.wasm$/.test(url));
  return async () => {
    if (Automerge.isWasmInitialized()) return Automerge;
    if (!entry) throw new Error('the precache manifest lists no Automerge wasm');
    const url = new URL(entry, self.location.href).href;
    const response = (await matchPrecache(url)) ?? (await fetch(url));
    if (!response.ok) throw new Error(`the Automerge wasm could not be read (${response.status})`);
    await Automerge.initializeWasm(new Uint8Array(await response.arrayBuffer()));
    return Automerge;
  };
}
