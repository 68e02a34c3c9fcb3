import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * The call tests (test/calls): WebRTC between Chromium pages, so they run inside a network
 * namespace of their own (`npm run test:calls` wraps them in scripts/netns-run.sh), where the
 * browsers have real host candidates and coturn has an address, and nothing leaves the machine.
 */
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/calls/**/*.test.ts'],
      globalSetup: ['test/e2e/harness/global-setup.ts'],
      fileParallelism: false,
      testTimeout: 600_000,
      hookTimeout: 600_000,
    },
  }),
);
