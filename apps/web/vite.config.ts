import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { webManifest } from './src/pwa/manifest.js';
import { preloadMessengerChunk } from './src/pwa/preload-messenger-plugin.js';
import { importMetaUrlInClassicWorker } from './src/pwa/classic-worker-plugin.js';
import { startUpSharedChunk } from './src/pwa/start-up-chunk.js';

/** Core and the Signal engine: fetched with the UI at start-up (preloadMessengerChunk). */
const MESSENGER_MODULE = 'src/messenger/create-real-messenger.ts';

const relayUrl = process.env.PARLEY_RELAY_URL ?? 'http://127.0.0.1:8787';

/**
 * The web app bundles workspace packages from their TypeScript sources (the `source` export
 * condition), so the app never waits for `npm run build` of core or signal-ts.
 */
export default defineConfig({
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  // `npm run dev` talks to a relay on this origin, as in production: its paths are proxied to
  // PARLEY_RELAY_URL (default: the relay's default port on this machine).
  server: {
    proxy: {
      '/v1': { target: relayUrl, ws: true },
      '/healthz': relayUrl,
      '/readyz': relayUrl,
    },
  },
  // The manifest lets the benchmark measure what the first paint loads (bench/bundle-size.ts).
  build: {
    target: 'es2022',
    sourcemap: true,
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The app's modules that start-up loads and several chunks share go into one chunk
          // (src/pwa/start-up-chunk.ts); modules only lazy screens share stay out of it.
          groups: [
            {
              name: startUpSharedChunk('ui-shared', [MESSENGER_MODULE]),
              test: /apps\/web\/src\//,
              minShareCount: 2,
            },
          ],
        },
      },
    },
  },
  plugins: [
    react(),
    // Production builds start fetching core with the UI; the dev-fake build has no such chunk.
    ...(process.env.VITE_PARLEY_DEV_FAKE === '1' ? [] : [preloadMessengerChunk(MESSENGER_MODULE)]),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      // Registration lives in src/pwa/register-sw.ts so the app can report update state itself.
      injectRegister: false,
      manifest: webManifest,
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      injectManifest: {
        // register-sw.ts registers sw.js as a classic script, so it is built as one: one file with
        // any dynamic import inlined. An ES build would wrap such an import in Vite's page-only
        // preload helper, whose `import.meta` stops a classic script from parsing at all (the
        // worker then never handles a push nor serves the offline shell).
        rollupFormat: 'iife',
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,wasm}'],
        // Core may lazy-load a large wasm module; the default 2 MiB limit would silently drop it.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        buildPlugins: { vite: [importMetaUrlInClassicWorker()] },
      },
    }),
  ],
});
