import { defineConfig, mergeConfig } from 'vitest/config';
import relayConfig from './vitest.config.ts';

/**
 * `npm run test:chaos`: the chaos tests (decision 0161), which start their own PostgreSQL,
 * Redis and relay processes. Kept out of the two dialect projects of vitest.config.ts.
 */
export default mergeConfig(
  { ...relayConfig, test: { ...relayConfig.test, projects: undefined } },
  defineConfig({
    test: {
      include: ['test/chaos/**/*.test.ts'],
      // Builds dist/ for the relay child processes.
      globalSetup: ['test/global-setup.ts'],
      fileParallelism: false,
    },
  }),
);
