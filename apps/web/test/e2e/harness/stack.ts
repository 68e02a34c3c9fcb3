/**
 * One test's world: a real relay (in-process, real SQLite file in a temp dir, free port) behind
 * the web server that serves the built app, and Debian's Chromium. `stopRelay`/`startRelay`
 * simulate an outage: the data dir survives, so the restarted relay has every mailbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startRelay, defaultConfig, type Relay } from '@parley/sync-server';
import { chromiumLaunchOptions } from './chromium.js';
import { startWebServer, type WebServer } from './web-server.js';

export const distDir = fileURLToPath(new URL('../../../dist/', import.meta.url));

export interface Stack {
  readonly origin: string;
  readonly browser: Browser;
  stopRelay(): Promise<void>;
  startRelay(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-web-e2e-'));
  const config = {
    ...defaultConfig,
    port: 0,
    dataDir,
    databaseUrl: `sqlite:${join(dataDir, 'relay.sqlite')}`,
    logLevel: 'warn',
  };
  let relay: Relay | undefined = await startRelay(config);
  const web: WebServer = await startWebServer(distDir);
  web.setRelayPort(relay.port);
  const browser = await chromium.launch(chromiumLaunchOptions());

  return {
    origin: web.origin,
    browser,
    async stopRelay() {
      web.setRelayPort(undefined);
      await relay?.close();
      relay = undefined;
    },
    async startRelay() {
      relay = await startRelay(config);
      web.setRelayPort(relay.port);
    },
    async close() {
      await browser.close();
      await web.close();
      await relay?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
