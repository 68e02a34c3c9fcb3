import { defineConfig } from 'vitest/config';

/**
 * Shared Vitest settings: workspace packages resolve to their TypeScript sources (the `source`
 * export condition), so tests never need a prior build.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] } },
  test: { testTimeout: 30_000, hookTimeout: 60_000 },
});

/**
 * sharedConfig for packages whose tests load the relay (and so pg) in the test process. Vitest
 * passes the SSR resolve conditions to its worker processes as Node `--conditions`, where they
 * apply to `require()` too: with `import` among them, pg's `require('pg-pool')` loads pg-pool's
 * ESM build and fails ("Class extends value [object Module]"). Vite resolves ESM imports with
 * `import` by itself, so this config drops it from the shared list.
 */
export const sharedConfigWithPg = {
  ...sharedConfig,
  ssr: {
    ...sharedConfig.ssr,
    resolve: {
      ...sharedConfig.ssr?.resolve,
      conditions: sharedConfig.ssr?.resolve?.conditions?.filter((c) => c !== 'import'),
    },
  },
};
