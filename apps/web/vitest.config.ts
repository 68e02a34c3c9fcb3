import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfigWithPg } from '../../vitest.shared.ts';

/**
 * Unit tests of pure UI logic run in Node; the end-to-end tests (test/e2e) build the app once in
 * the global setup and drive Debian's Chromium against a real relay. Files run one after another:
 * browsers and the relay share two cores with everything else on the machine.
 */
const e2e = process.env.PARLEY_WEB_E2E !== '0';

export default mergeConfig(
  sharedConfigWithPg,
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
