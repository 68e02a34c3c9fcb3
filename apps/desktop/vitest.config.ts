import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * Main-process and storage tests run in Node (electron mocked where needed); the end-to-end test
 * builds the desktop backend and the web app first (test/e2e/global-setup.ts). Files run one after
 * another: Chromium, the relay and the backend share two cores with everything else.
 */
const e2e = process.env.PARLEY_DESKTOP_E2E !== '0';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: e2e
        ? ['test/**/*.test.ts']
        : ['test/main/**/*.test.ts', 'test/backend/**/*.test.ts'],
      globalSetup: e2e ? ['test/e2e/global-setup.ts'] : [],
      fileParallelism: false,
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  }),
);
