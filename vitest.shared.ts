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
