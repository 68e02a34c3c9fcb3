/**
 * `npm run bench:web`: the web app's figures, printed as lines for people and, last, one JSON line.
 *
 * - first_render_ms: navigation start to the first chat list in the DOM, 1,000 chats stored;
 * - open_chat_10k_ms: click on a chat holding 10,000 messages to its bubbles in the DOM;
 * - open_chat_100k_ms: the same for a chat of 100,000 messages, on a device holding it and two
 *   small chats, the chat sealed (2,000 entries live, the rest in segments, decision 0820);
 *   open_chat_100k_whole_ms: the same chat stored as one whole document, as before sealing;
 * - scroll_*: that sealed 100k chat, open at its newest message, flung up to its first message
 *   one step a frame (scroll_to_top_s, scroll_frame_p95_ms, scroll_long_frames over 50 ms,
 *   scroll_heap_top_mb after GC at the top), a few pages back down (scroll_down_frame_p95_ms),
 *   then the jump button back to the newest (scroll_back_ms): bench/scroll-measure.ts
 *   (PARLEY_BENCH_SCROLL_ONLY=1 runs this chat's open and scroll alone);
 * - send_to_render_p95_ms: Enter on one page to the bubble in the DOM of the other page;
 * - tab_heap_mb: the page's JS heap after a garbage collection, 1,000 chats stored, one opened;
 * - initial_js_gzip_kb: the JavaScript index.html loads (startup_js_gzip_kb adds core and the
 *   Signal engine, which load right after first paint).
 *
 * Everything runs the built app on the real core in Chromium. For the two stored-data figures a
 * real account signs up, then its IndexedDB is seeded (bench/seed-device.ts) with 1,000 chats,
 * one of them holding 10,000 messages, stored as core stores received chats; each run is a full
 * page load, so core loads them from IndexedDB. The messages are not sent through Signal and the
 * relay: that is what send_to_render measures (real core, TypeScript Signal engine, real relay),
 * and first_render_real_1_chat_ms (a reload with the one chat of that exchange stored).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { distDir, startStack, type Stack } from '../test/e2e/harness/stack.js';
import { openChat, openUser, signUp, startChat } from '../test/e2e/harness/user.js';
import { bundleSizes, round } from './bundle-size.js';
import { measureScroll, type ScrollFigures } from './scroll-measure.js';
import { seedDevice, type SeededDevice } from './seed-device.js';

const webRoot = fileURLToPath(new URL('../', import.meta.url));
const viteBin = join(
  dirname(createRequire(import.meta.url).resolve('vite/package.json')),
  'bin/vite.js',
);

const RUNS = 5;
const CLOSE_TIMEOUT_MS = 5_000;
const SEEDED_CHATS = 1000;
const MESSAGES_PER_CHAT = 5;
const LARGE_CHAT_MESSAGES = 10_000;
const HUGE_CHAT_MESSAGES = 100_000;
const SENDS = 60;
const WARMUP_SENDS = 5;
const TYPING_MS = 300;

export async function viteBuild(outDir: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' };
  delete env.VITE_PARLEY_DEV_FAKE;
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

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Navigation start to the first chat list in the DOM (the mark ChatList sets), after a load. */
async function loadAndTimeChatList(page: Page, run: number): Promise<number> {
  // A new query string makes this a full load (a changed hash alone would not reload the page).
  await page.goto(`/?run=${run}`);
  await page.waitForFunction(
    () => performance.getEntriesByName('parley:chat-list-rendered').length > 0,
    undefined,
    { timeout: 60_000 },
  );
  return page.evaluate(
    () => performance.getEntriesByName('parley:chat-list-rendered')[0]!.startTime,
  );
}

async function firstRender(page: Page): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    times.push(await loadAndTimeChatList(page, run));
    const total = await page.locator('nav.chat-list').getAttribute('data-total');
    if (total !== String(SEEDED_CHATS))
      throw new Error(`expected ${SEEDED_CHATS} chats in the list, found ${total}`);
  }
  return median(times);
}

/** Click to the newest bubbles painted: measured inside the page, to the frame after they appear. */
async function openLargeChat(page: Page, seeded: SeededDevice): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await loadAndTimeChatList(page, RUNS + run);
    // A person looks at the list before clicking; the app prefetches screens meanwhile.
    await page.waitForLoadState('networkidle');
    times.push(await timeOpenChat(page, seeded.largeConversationId, seeded.lastMessageId));
    const last = await page.locator('[data-message-id]').last().getAttribute('data-message-id');
    if (last !== seeded.lastMessageId)
      throw new Error(`the open chat does not end with its newest message (got ${last})`);
  }
  return median(times);
}

function timeOpenChat(page: Page, conversationId: string, lastMessageId: string): Promise<number> {
  return page.evaluate(
    ([conversationId, lastMessageId]) =>
      new Promise<number>((resolve) => {
        const link = document.querySelector<HTMLAnchorElement>(
          `.chat-item[data-conversation-id="${conversationId}"]`,
        )!;
        const newest = `[data-message-id="${lastMessageId}"]`;
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (!document.querySelector(newest)) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - start));
        });
        observer.observe(document.body, { childList: true, subtree: true });
        link.click();
      }),
    [conversationId, lastMessageId] as const,
  );
}

interface RealCoreFigures {
  p50: number;
  p95: number;
  max: number;
  /** First chat list render after a reload, from the real core's IndexedDB (one chat stored). */
  reloadRenderMs: number;
}

async function realCore(stack: Stack): Promise<RealCoreFigures> {
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
}

/** The page's JS heap after a garbage collection (its workers' heaps are their own). */
async function tabHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1e6;
}

/** The two stored-data figures: one signed-up device whose IndexedDB holds the seeded chats. */
async function storedChats(
  stack: Stack,
): Promise<{ firstRenderMs: number; openChatMs: number; heapMb: number }> {
  const user = await openUser(stack, 'seeded');
  try {
    await signUp(user);
    const started = performance.now();
    const seeded = await seedDevice(user.page, {
      chats: SEEDED_CHATS,
      messagesPerChat: MESSAGES_PER_CHAT,
      largeChatMessages: LARGE_CHAT_MESSAGES,
    });
    console.log(
      `seeded ${SEEDED_CHATS} chats (${LARGE_CHAT_MESSAGES} messages in one, ${MESSAGES_PER_CHAT} in the others) in ${round(performance.now() - started)} ms`,
    );
    const firstRenderMs = round(await firstRender(user.page));
    const openChatMs = round(await openLargeChat(user.page, seeded));
    const heapMb = Number((await tabHeapMb(user.page)).toFixed(1));
    return { firstRenderMs, openChatMs, heapMb };
  } finally {
    await user.context.close();
  }
}

/**
 * Opening a chat of 100,000 messages, on a device of its own (three chats stored): sealed as a
 * device running this code holds it (its newest 2,000 entries live, the rest in segments:
 * docs/decisions/0820), or whole as every device held it before.
 */
async function hugeChat(
  stack: Stack,
  sealed: boolean,
): Promise<{ openMs: number; scroll?: ScrollFigures }> {
  const user = await openUser(stack, sealed ? 'huge' : 'whole');
  try {
    await signUp(user);
    const seeded = await seedDevice(user.page, {
      chats: 3,
      messagesPerChat: MESSAGES_PER_CHAT,
      largeChatMessages: HUGE_CHAT_MESSAGES,
      sealed,
    });
    const openMs = round(await openLargeChat(user.page, seeded));
    // The last open left the chat on screen at its newest message.
    if (!sealed) return { openMs };
    return { openMs, scroll: await measureScroll(user.page, seeded, tabHeapMb) };
  } finally {
    await user.context.close();
  }
}

export async function main(): Promise<void> {
  console.log('building the app...');
  await viteBuild(distDir);
  const sizes = bundleSizes(distDir);
  console.log(
    `initial JS ${sizes.initialKb} KB gzip; with core and the Signal engine ${sizes.startupKb} KB gzip`,
  );
  const stack = await startStack();
  try {
    if (process.env.PARLEY_BENCH_SCROLL_ONLY)
      return console.log(JSON.stringify(await scrollOnly(stack)));
    const stored = await storedChats(stack);
    console.log(
      `first chat list render, ${SEEDED_CHATS} chats stored (real core, IndexedDB): median of ${RUNS}: ${stored.firstRenderMs} ms`,
    );
    console.log(
      `open a stored chat of ${LARGE_CHAT_MESSAGES} messages to its newest bubbles painted (real core): median of ${RUNS}: ${stored.openChatMs} ms`,
    );
    console.log(`tab JS heap after GC, ${SEEDED_CHATS} chats, one opened: ${stored.heapMb} MB`);
    // Whole first, then sealed, so the machine's load drifts against the change, not for it.
    const { openMs: openWholeMs } = await hugeChat(stack, false);
    const { openMs: openHugeMs, scroll } = await hugeChat(stack, true);
    console.log(
      `open a stored chat of ${HUGE_CHAT_MESSAGES} messages to its newest bubbles painted (real core): median of ${RUNS}: ${openHugeMs} ms sealed, ${openWholeMs} ms whole`,
    );
    logScroll(scroll!);
    const send = await realCore(stack);
    console.log(
      `Enter -> bubble on the other page (real core, Signal engine, relay), ${SENDS} sends: p50 ${round(send.p50)} ms, p95 ${round(send.p95)} ms, max ${round(send.max)} ms`,
    );
    console.log(
      `first chat list render after a reload, real core and IndexedDB, 1 chat: median of ${RUNS}: ${round(send.reloadRenderMs)} ms`,
    );

    console.log(
      JSON.stringify({
        bench: 'web',
        first_render_ms: stored.firstRenderMs,
        open_chat_10k_ms: stored.openChatMs,
        open_chat_100k_ms: openHugeMs,
        tab_heap_mb: stored.heapMb,
        open_chat_100k_whole_ms: openWholeMs,
        send_to_render_p95_ms: round(send.p95),
        initial_js_gzip_kb: sizes.initialKb,
        startup_js_gzip_kb: sizes.startupKb,
        send_to_render_p50_ms: round(send.p50),
        first_render_real_1_chat_ms: round(send.reloadRenderMs),
        ...scrollKeys(scroll!),
      }),
    );
  } finally {
    await closeWithin(stack, CLOSE_TIMEOUT_MS);
  }
}

function logScroll(scroll: ScrollFigures): void {
  console.log(
    `fling the ${HUGE_CHAT_MESSAGES}-message chat to its first message: ${scroll.toTopS ?? `not there after the budget (message ${scroll.topReached})`} s, ${scroll.frames} frames, p95 ${scroll.frameP95Ms} ms, ${scroll.longFrames} over 50 ms; heap at the top ${scroll.heapTopMb} MB`,
  );
  console.log(
    `a few pages back down: frame p95 ${scroll.downFrameP95Ms} ms, ${scroll.downLongFrames} over 50 ms; jump back to the newest: ${scroll.backMs} ms`,
  );
}

function scrollKeys(scroll: ScrollFigures): Record<string, number | null> {
  return {
    scroll_to_top_s: scroll.toTopS,
    scroll_frame_p95_ms: scroll.frameP95Ms,
    scroll_long_frames: scroll.longFrames,
    scroll_heap_top_mb: scroll.heapTopMb,
    scroll_down_frame_p95_ms: scroll.downFrameP95Ms,
    scroll_back_ms: scroll.backMs,
  };
}

/** PARLEY_BENCH_SCROLL_ONLY=1: the sealed 100k chat's open and scroll figures alone. */
async function scrollOnly(stack: Stack): Promise<Record<string, unknown>> {
  const { openMs, scroll } = await hugeChat(stack, true);
  logScroll(scroll!);
  return { bench: 'web-scroll', open_chat_100k_ms: openMs, ...scrollKeys(scroll!) };
}

/**
 * The stack's close can wait forever after this run (the event loop empties with close()
 * pending, so Node exits 13). Instrumenting the relay's close showed it is never reached: it is
 * `browser.close()` (playwright-core with Debian's Chromium) that does not settle. Give the
 * whole close a bounded wait instead.
 */
export async function closeWithin(stack: Stack, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([stack.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') console.warn(`the stack did not close within ${ms} ms; leaving it`);
}
