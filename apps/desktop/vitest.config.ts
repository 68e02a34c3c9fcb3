import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * Main-process and storage tests run in Node (electron mocked where needed); the end-to-end test
 * builds the desktop backend and the web app first (test/e2e/global-setup.ts). Files run one after
 * another: Chromium, the relay and the backend share two cores with everything else.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: ['test/e2e/global-setup.ts'],
      fileParallelism: false,
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  }),
);
