import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      // IndexedDB does not exist in Node: fake-indexeddb stands in for the browser's (the one
      // boundary these tests cannot have for real; Dexie runs unchanged on top of it).
      setupFiles: ['fake-indexeddb/auto'],
      // Integration tests run the relay's built bin as a child process.
      globalSetup: ['test/support/global-setup.ts'],
    },
  }),
);
