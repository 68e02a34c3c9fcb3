import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * Unit tests of pure UI logic run in Node; the end-to-end tests (test/e2e) build the app once in
 * the global setup and drive Debian's Chromium against a real relay. Files run one after another:
 * browsers and the relay share two cores with everything else on the machine.
 */
const e2e = process.env.PARLEY_WEB_E2E !== '0';

/**
 * The e2e harness starts the relay in this process, and the relay imports pg: drop the `import`
 * resolve condition for the workers as packages/sync-server/vitest.config.ts does (with it, pg's
 * `require('pg-pool')` loads pg-pool's ESM build and fails).
 */
const shared = {
  ...sharedConfig,
  ssr: {
    ...sharedConfig.ssr,
    resolve: {
      ...sharedConfig.ssr?.resolve,
      conditions: sharedConfig.ssr?.resolve?.conditions?.filter((c) => c !== 'import'),
    },
  },
};

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: e2e ? ['test/**/*.test.ts'] : ['test/unit/**/*.test.ts'],
      globalSetup: e2e ? ['test/e2e/harness/global-setup.ts'] : [],
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 180_000,
    },
  }),
);
