import type { LoadAutomerge } from '@parley/core';

/** The page's Automerge loader: its own chunk, fetched when the messenger opens. */
export const loadAutomerge: LoadAutomerge = async () =>
  (await import('./automerge-wasm.js')).automergeWithWasm();
