import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * Unit tests of pure UI logic run in Node; the end-to-end tests (test/e2e) build the app once in
 * the global setup and drive Debian's Chromium against a real relay. Files run one after another:
 * browsers and the relay share two cores with everything else on the machine.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: ['test/e2e/harness/global-setup.ts'],
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 180_000,
    },
  }),
);
