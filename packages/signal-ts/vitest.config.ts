import { defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { sharedConfig } from '../../vitest.shared.ts';

/**
 * Two projects (see docs/decisions/0480-signal-ts-interop-and-browser-tests.md):
 * - node: every test, including the Node-only ones: `*.native.test.ts` (they import the native
 *   libsignal-client), test/interop/** and test/browser/** (which drive builds and Chromium).
 * - chromium: the engine's own unit tests (src/**\/*.test.ts, test/unit/**) and
 *   test/browser/**\/*.browser.test.ts in Debian's headless Chromium through Vitest browser mode
 *   (@vitest/browser-playwright, executablePath /usr/bin/chromium); never a downloaded browser.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

const UNIT_TESTS = ['src/**/*.test.ts', 'test/unit/**/*.test.ts'];
/** Browser-only checks (they assert they run in Chromium). */
const BROWSER_ONLY = 'test/browser/**/*.browser.test.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: {
            name: 'node',
            include: [...UNIT_TESTS, 'test/**/*.test.ts'],
            exclude: [BROWSER_ONLY, '**/node_modules/**'],
          },
        },
        {
          extends: true,
          resolve: { conditions: ['source', 'module', 'browser', 'import', 'default'] },
          test: {
            name: 'chromium',
            include: [...UNIT_TESTS, BROWSER_ONLY],
            exclude: ['**/*.native.test.ts', '**/node_modules/**'],
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({
                launchOptions: {
                  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                  args: CHROMIUM_ARGS,
                },
              }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
      ],
    },
  }),
);
