/**
 * `npm run bench:web`: the web app's figures, printed as lines for people and, last, one JSON line.
 *
 * - first_render_ms: navigation start to the first chat list in the DOM, 1,000 chats stored;
 * - open_chat_10k_ms: click on a chat holding 10,000 messages to its bubbles in the DOM;
 * - send_to_render_p95_ms: Enter on one page to the bubble in the DOM of the other page;
 * - initial_js_gzip_kb: the JavaScript index.html loads (startup_js_gzip_kb adds core and the
 *   Signal engine, which load right after first paint).
 *
 * The two rendering figures use the DEVELOPMENT FAKE messenger (in memory, seeded through the URL),
 * because creating 1,000 real accounts and 10,000 real encrypted messages would take longer than
 * the benchmark should; they measure the UI's rendering only. send_to_render runs the real core,
 * the TypeScript Signal engine and the real relay, and so does first_render_real_1_chat_ms (a
 * reload of a page whose chat is stored in the real core's IndexedDB).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../test/e2e/harness/chromium.js';
import { distDir, serveApp, startStack, type ServedApp } from '../test/e2e/harness/stack.js';
import { openChat, openUser, signUp, startChat } from '../test/e2e/harness/user.js';
import { bundleSizes, round } from './bundle-size.js';

const webRoot = fileURLToPath(new URL('../', import.meta.url));
const viteBin = join(
  dirname(createRequire(import.meta.url).resolve('vite/package.json')),
  'bin/vite.js',
);

const RUNS = 5;
const SENDS = 60;
const WARMUP_SENDS = 5;
const TYPING_MS = 300;

async function viteBuild(outDir: string, devFake: boolean): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' };
  if (devFake) env.VITE_PARLEY_DEV_FAKE = '1';
  else delete env.VITE_PARLEY_DEV_FAKE;
  await promisify(execFile)(
    process.execPath,
    [viteBin, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'],
    {
      cwd: webRoot,
      env,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function firstRender(browser: Browser, origin: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${origin}/?seed-chats=1000&seed-messages=20`);
    await page.waitForFunction(
      () => performance.getEntriesByName('parley:chat-list-rendered').length > 0,
    );
    const total = await page.locator('nav.chat-list').getAttribute('data-total');
    if (total !== '1000') throw new Error(`expected 1000 chats in the list, found ${total}`);
    times.push(
      await page.evaluate(
        () => performance.getEntriesByName('parley:chat-list-rendered')[0]!.startTime,
      ),
    );
    await context.close();
  }
  return median(times);
}

/** Click to bubbles: measured inside the page, from the click to the frame after they appear. */
async function openTenThousand(browser: Browser, origin: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${origin}/?seed-chats=20&seed-messages=10000#/`);
    await page.locator('.chat-item').first().waitFor();
    // A person looks at the list before clicking; the app prefetches screens meanwhile.
    await page.waitForLoadState('networkidle');
    times.push(await timeOpenFirstChat(page));
    const last = await page.locator('[data-message-id]').last().getAttribute('data-message-id');
    if (last !== 'dm-alice-9999')
      throw new Error(`the open chat does not end with message 10,000 (got ${last})`);
    await context.close();
  }
  return median(times);
}

function timeOpenFirstChat(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const link = document.querySelector<HTMLAnchorElement>(
          '.chat-item[data-conversation-id="dm-alice"]',
        )!;
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (!document.querySelector('[data-message-id]')) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - start));
        });
        observer.observe(document.body, { childList: true, subtree: true });
        link.click();
      }),
  );
}

interface RealCoreFigures {
  p50: number;
  p95: number;
  max: number;
  /** First chat list render after a reload, from the real core's IndexedDB (one chat stored). */
  reloadRenderMs: number;
}

async function realCore(): Promise<RealCoreFigures> {
  const stack = await startStack();
  try {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await signUp(alice);
    await signUp(bob);
    await startChat(alice, bob.username);
    await alice.page.getByLabel(`Message to ${bob.username}`).fill('hello');
    await alice.page.keyboard.press('Enter');
    await bob.page
      .getByRole('link', { name: new RegExp(`^${alice.username}\\b`) })
      .waitFor({ timeout: 30_000 });
    await openChat(bob, alice.username);

    // Wall-clock timestamps (timeOrigin + now) compare across the two pages of one machine.
    await alice.page.evaluate(() => {
      const sentAt: number[] = [];
      (window as unknown as { sentAt: number[] }).sentAt = sentAt;
      document.addEventListener(
        'keydown',
        (e) => e.key === 'Enter' && sentAt.push(performance.timeOrigin + performance.now()),
        true,
      );
    });
    await bob.page.evaluate(() => {
      const seenAt = new Map<string, number>();
      (window as unknown as { seenAt: Map<string, number> }).seenAt = seenAt;
      new MutationObserver(() => {
        const now = performance.timeOrigin + performance.now();
        for (const node of document.querySelectorAll('.bubble__text')) {
          const text = node.textContent ?? '';
          if (text.startsWith('bench ') && !seenAt.has(text)) seenAt.set(text, now);
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });

    const composer = alice.page.getByLabel(`Message to ${bob.username}`);
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP_SENDS + SENDS; i++) {
      const text = `bench ${i}`;
      await composer.fill(text);
      // A person types for a while before Enter; by then the 'typing' signal has gone out.
      await alice.page.waitForTimeout(TYPING_MS);
      await composer.press('Enter');
      await bob.page.waitForFunction(
        (t) => (window as unknown as { seenAt: Map<string, number> }).seenAt.has(t),
        text,
        { timeout: 30_000 },
      );
      const sentAt = await alice.page.evaluate(
        (n) => (window as unknown as { sentAt: number[] }).sentAt[n]!,
        i,
      );
      const seenAt = await bob.page.evaluate(
        (t) => (window as unknown as { seenAt: Map<string, number> }).seenAt.get(t)!,
        text,
      );
      if (i >= WARMUP_SENDS) latencies.push(seenAt - sentAt);
    }
    const reloads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await alice.page.reload();
      await alice.page.waitForFunction(
        () => performance.getEntriesByName('parley:chat-list-rendered').length > 0,
      );
      reloads.push(
        await alice.page.evaluate(
          () => performance.getEntriesByName('parley:chat-list-rendered')[0]!.startTime,
        ),
      );
    }
    return {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: Math.max(...latencies),
      reloadRenderMs: median(reloads),
    };
  } finally {
    await stack.close();
  }
}

export async function main(): Promise<void> {
  const fakeDir = await mkdtemp(join(tmpdir(), 'parley-web-bench-fake-'));
  const browser = await chromium.launch(chromiumLaunchOptions());
  let fakeServer: ServedApp | undefined;
  try {
    console.log('building the app (real) and the development-fake build (rendering figures)...');
    await viteBuild(distDir, false);
    await viteBuild(fakeDir, true);
    fakeServer = await serveApp(fakeDir);
    const sizes = bundleSizes(distDir);
    console.log(
      `initial JS ${sizes.initialKb} KB gzip; with core and the Signal engine ${sizes.startupKb} KB gzip`,
    );

    const firstRenderMs = round(await firstRender(browser, fakeServer.origin));
    console.log(
      `first chat list render, 1,000 chats (dev fake): median of ${RUNS}: ${firstRenderMs} ms`,
    );
    const openChatMs = round(await openTenThousand(browser, fakeServer.origin));
    console.log(`open a chat of 10,000 messages (dev fake): median of ${RUNS}: ${openChatMs} ms`);
    const send = await realCore();
    console.log(
      `Enter -> bubble on the other page (real core, Signal engine, relay), ${SENDS} sends: p50 ${round(send.p50)} ms, p95 ${round(send.p95)} ms, max ${round(send.max)} ms`,
    );
    console.log(
      `first chat list render after a reload, real core and IndexedDB, 1 chat: median of ${RUNS}: ${round(send.reloadRenderMs)} ms`,
    );

    console.log(
      JSON.stringify({
        bench: 'web',
        first_render_ms: firstRenderMs,
        open_chat_10k_ms: openChatMs,
        send_to_render_p95_ms: round(send.p95),
        initial_js_gzip_kb: sizes.initialKb,
        startup_js_gzip_kb: sizes.startupKb,
        send_to_render_p50_ms: round(send.p50),
        first_render_real_1_chat_ms: round(send.reloadRenderMs),
        rendering_figures_use: 'dev-fake',
      }),
    );
  } finally {
    await fakeServer?.close();
    await browser.close();
    await rm(fakeDir, { recursive: true, force: true });
  }
}
