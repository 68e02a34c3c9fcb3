import type * as AutomergeSlim from '@automerge/automerge/slim';

/**
 * The Automerge API core uses, as the slim entry declares it (no wasm bundled). Each platform
 * supplies it (MessengerOptions.automerge) because each loads the 3.6 MB wasm its own way: the web
 * page from its own lazily fetched chunk, the service worker from a static import (no dynamic
 * import() there), Node from the package's node entry (`nodeAutomerge`, @parley/core/native).
 */
export type AutomergeApi = typeof AutomergeSlim;

/** Resolves once the wasm is instantiated; called once per messenger, when it opens. */
export type LoadAutomerge = () => Promise<AutomergeApi>;
