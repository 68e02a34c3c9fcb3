import { defineConfig } from 'vitest/config';

/**
 * Shared Vitest settings: workspace packages resolve to their TypeScript sources (the `source`
 * export condition), so tests never need a prior build.
 *
 * The SSR list has no `import`: Vitest passes it to its worker processes as Node `--conditions`,
 * where it applies to `require()` too, and with `import` among them pg's `require('pg-pool')`
 * loads pg-pool's ESM build and fails ("Class extends value [object Module]") in every package
 * that starts a relay. Vite resolves ESM imports with `import` by itself.
 *
 * The timeouts only stop a hung test: they are far above any test's duration on a busy machine
 * (the slowest take about 25 s under load), so no test passes or fails by the machine's speed.
 * That holds for expect.poll() too: its own default gives up after 1 s, which a page's first
 * render on a busy machine can take (a web e2e test failed so in CI), so it gets the same kind
 * of bound; a poll that needs a different one says so where it is written.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'default'] } },
  test: {
    testTimeout: 300_000,
    hookTimeout: 300_000,
    expect: { poll: { timeout: 60_000 } },
  },
});
