import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * Unit tests of pure UI logic run in Node; the end-to-end tests (test/e2e) build the app once in
 * the global setup and drive Debian's Chromium against a real relay. Files run one after another:
 * browsers and the relay share two cores with everything else on the machine. The timeouts only
 * stop a hung test: a loaded machine took 120 s for tests that take 35 s on a quiet one.
 */
const e2e = process.env.PARLEY_WEB_E2E !== '0';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: e2e ? ['test/**/*.test.ts'] : ['test/unit/**/*.test.ts'],
      // The call tests need a network namespace of their own: vitest.calls.config.ts.
      exclude: ['test/calls/**', '**/node_modules/**'],
      globalSetup: e2e ? ['test/e2e/harness/global-setup.ts'] : [],
      fileParallelism: false,
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  }),
);
