import * as Automerge from '@automerge/automerge/slim';
import wasmUrl from '@automerge/automerge/automerge.wasm?url';

/**
 * Automerge with its wasm, for core's account document. The slim entry carries no wasm; the
 * 3.6 MB module is fetched from its own hashed asset (precached by the service worker) the first
 * time a messenger opens. The page reaches this module through a dynamic import
 * (load-automerge.ts), so none of it is in the first paint's JS. The service worker does not use
 * this module: it reads the wasm from its precache (notifications/worker-automerge.ts).
 */
export async function automergeWithWasm(): Promise<typeof Automerge> {
  if (!Automerge.isWasmInitialized()) await Automerge.initializeWasm(wasmUrl);
  return Automerge;
}
