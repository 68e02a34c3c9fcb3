import type { Plugin } from 'vite';

/**
 * The service worker is a classic script (registered without `type: 'module'`), where
 * `import.meta` is a syntax error that stops the whole worker. Automerge's wasm glue mentions
 * `import.meta.url` for a default wasm path that Parley never uses (it always passes the wasm:
 * notifications/worker-automerge.ts); in the worker's build it becomes the worker's own URL.
 */
export function importMetaUrlInClassicWorker(): Plugin {
  return {
    name: 'parley:import-meta-url-in-classic-worker',
    transform(code) {
      if (!code.includes('import.meta.url')) return null;
      return { code: code.replaceAll('import.meta.url', 'self.location.href'), map: null };
    },
  };
}
