/**
 * One test's world: the real relay (in-process, real SQLite file in a temp dir) serving the built
 * app from its optional web root, so app and relay share one origin exactly as in production, and
 * Debian's Chromium. `stopRelay`/`startRelay` simulate an outage: the restarted relay keeps the
 * port (the pages' origin) and the data dir, so it has every mailbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { defaultConfig, startRelay, type Relay, type RelayConfig } from '@parley/sync-server';
import { chromiumLaunchOptions } from './chromium.js';

export const distDir = fileURLToPath(new URL('../../../dist/', import.meta.url));

export interface ServedApp {
  readonly origin: string;
  stopRelay(): Promise<void>;
  startRelay(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A relay on a free port that serves `webRoot` (the built app) on its origin; `relay` overrides
 * its configuration (e.g. the ICE servers of the call tests).
 */
export async function serveApp(
  webRoot: string,
  overrides: Partial<RelayConfig> = {},
): Promise<ServedApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-web-e2e-'));
  const config: RelayConfig = {
    ...defaultConfig,
    port: 0,
    dataDir,
    databaseUrl: `sqlite:${join(dataDir, 'relay.sqlite')}`,
    logLevel: 'warn',
    webRoot,
    ...overrides,
  };
  let relay: Relay | undefined = await startRelay(config);
  const port = relay.port;
  return {
    origin: relay.url,
    async stopRelay() {
      await relay?.close();
      relay = undefined;
    },
    async startRelay() {
      relay = await startRelay({ ...config, port });
    },
    async close() {
      await relay?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Stack extends ServedApp {
  readonly browser: Browser;
}

/** `chromiumArgs`: extra flags, e.g. a fake microphone playing a file. */
export async function startStack(
  chromiumArgs: readonly string[] = [],
  relay: Partial<RelayConfig> = {},
): Promise<Stack> {
  const app = await serveApp(distDir, relay);
  const browser = await chromium.launch(chromiumLaunchOptions(chromiumArgs));
  return {
    origin: app.origin,
    browser,
    stopRelay: () => app.stopRelay(),
    startRelay: () => app.startRelay(),
    async close() {
      await browser.close();
      await app.close();
    },
  };
}
