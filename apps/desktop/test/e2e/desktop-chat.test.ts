/**
 * The desktop app end to end, everything real except Electron's own glue: the backend (core,
 * libsignal-client, SQLCipher) runs in a Node child process in place of Electron's utility
 * process; the renderer is the production web build in Debian's Chromium, served through the
 * app:// protocol handler over HTTP, with the preload bridge stubbed and Electron's MessagePort
 * carried over a WebSocket (test/harness/renderer-server.ts). A web user on the same relay uses
 * the ordinary web app with the browser engine (signal-ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, startRelay, type Relay } from '@parley/sync-server';
import { startBackendProcess, type BackendProcess } from '../harness/backend-process.js';
import { chromiumLaunchOptions } from '../../../web/test/e2e/harness/chromium.js';
import {
  bridgeStub,
  startRendererServer,
  type RendererServer,
} from '../harness/renderer-server.js';

const webRoot = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
const suffix = Date.now().toString(36).slice(-5);
const deskName = `desk${suffix}`;
const webName = `web${suffix}`;

let tempDir: string;
let relay: Relay;
let browser: Browser;
let renderer: RendererServer;
let backend: BackendProcess | undefined;
const databaseKey = randomBytes(32);

beforeAll(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'parley-desktop-e2e-'));
  relay = await startRelay({
    ...defaultConfig,
    port: 0,
    dataDir: tempDir,
    databaseUrl: `sqlite:${join(tempDir, 'relay.sqlite')}`,
    logLevel: 'warn',
    webRoot,
  });
  renderer = await startRendererServer(webRoot);
  browser = await chromium.launch(chromiumLaunchOptions());
});

afterAll(async () => {
  await backend?.stop();
  await browser?.close();
  await renderer?.close();
  await relay?.close();
  await rm(tempDir, { recursive: true, force: true });
});

async function openDesktopWindow(): Promise<Page> {
  backend = await startBackendProcess({
    dataDir: join(tempDir, 'desktop'),
    relayUrl: relay.url,
    databaseKey,
  });
  renderer.attach(backend);
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.addInitScript(bridgeStub);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${renderer.origin}/`);
  (page as Page & { cspViolations?: string[] }).cspViolations = cspViolations;
  return page;
}

function bubble(page: Page, text: string) {
  return page.locator('[data-message-id]').filter({ has: page.getByText(text, { exact: true }) });
}

function chatRow(page: Page, peer: string) {
  return page.getByRole('link', { name: new RegExp(`^${peer}\\b`) });
}

async function signUp(page: Page, username: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
}

describe('Parley Desktop (backend in a Node process, renderer in Chromium)', () => {
  it('signs up, chats both ways with a web user, and keeps the history across a backend restart', async () => {
    let desk = await openDesktopWindow();
    const web = await (await browser.newContext({ baseURL: relay.url })).newPage();
    await web.goto('/');
    await signUp(desk, deskName);
    await signUp(web, webName);

    await desk.getByRole('button', { name: 'New chat' }).first().click();
    await desk.getByLabel('Their username').fill(webName);
    await desk.getByRole('button', { name: 'Start chat' }).click();
    await desk.getByRole('region', { name: `Chat with ${webName}` }).waitFor();
    const composer = desk.getByLabel(`Message to ${webName}`);
    await composer.fill('hello from the desktop');
    await composer.press('Enter');

    await chatRow(web, deskName).waitFor({ timeout: 60_000 });
    await chatRow(web, deskName).click();
    await bubble(web, 'hello from the desktop').waitFor({ timeout: 60_000 });
    // The desktop user is a stranger to the web user: the chat is a message request until accepted.
    await web
      .getByRole('region', { name: `Message request from ${deskName}` })
      .getByRole('button', { name: 'Accept' })
      .click();
    await web.getByLabel(`Message to ${deskName}`).fill('hello from the web');
    await web.getByLabel(`Message to ${deskName}`).press('Enter');
    await bubble(desk, 'hello from the web').waitFor({ timeout: 60_000 });
    await desk.screenshot({
      path: join(
        fileURLToPath(new URL('../../', import.meta.url)),
        'test-results',
        'desktop-chat.png',
      ),
    });
    expect((desk as Page & { cspViolations?: string[] }).cspViolations).toEqual([]);

    // Restart: the window closes, the backend process exits, a new one opens the same file.
    await desk.context().close();
    await backend?.stop();
    desk = await openDesktopWindow();
    await desk.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
    await chatRow(desk, webName).click();
    await bubble(desk, 'hello from the desktop').waitFor();
    await bubble(desk, 'hello from the web').waitFor();

    // And the chat goes on after the restart.
    await desk.getByLabel(`Message to ${webName}`).fill('still here');
    await desk.getByLabel(`Message to ${webName}`).press('Enter');
    await bubble(web, 'still here').waitFor({ timeout: 60_000 });

    // The database on disk holds none of the messages in the clear.
    const dataDir = join(tempDir, 'desktop');
    for (const file of await readdir(dataDir)) {
      const bytes = await readFile(join(dataDir, file));
      for (const text of ['hello from the desktop', 'hello from the web', 'still here', webName])
        expect(bytes.includes(Buffer.from(text)), `${file} holds "${text}"`).toBe(false);
    }
  });
});
