/**
 * `npm run bench:tabs`: how long the device is without an owner when the owner tab closes
 * (docs/decisions/0710), in the built app on the real core in Chromium against the real relay.
 * One account; each round opens a new tab (a follower), closes the owner, and takes
 * - handover_ms: the owner page's close requested -> the follower, now holding the lock and the
 *   real messenger, marks itself owner (a MutationObserver in the page stamps the moment on the
 *   browser's clock, which the Node side shares: both read epoch milliseconds).
 * The LAST line is one JSON object.
 */
import type { Page } from 'playwright-core';
import { distDir, startStack } from '../test/e2e/harness/stack.js';
import { openUser, signUp } from '../test/e2e/harness/user.js';
import { closeWithin, median, percentile, viteBuild } from './web-bench.js';

const ROUNDS = 15;
const CLOSE_TIMEOUT_MS = 5_000;

/** Resolves with the epoch time at which `page` became the owner. */
function ownerSince(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const html = document.documentElement;
        const check = () => {
          if (html.dataset.tabRole !== 'owner') return false;
          resolve(performance.timeOrigin + performance.now());
          return true;
        };
        if (check()) return;
        const observer = new MutationObserver(() => check() && observer.disconnect());
        observer.observe(html, { attributes: true, attributeFilter: ['data-tab-role'] });
      }),
  );
}

export async function main(): Promise<void> {
  await viteBuild(distDir);
  const stack = await startStack();
  try {
    const alice = await openUser(stack, 'alice');
    await signUp(alice);
    const handover: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const next = await alice.context.newPage();
      await next.goto('/');
      await next.waitForFunction(() => document.documentElement.dataset.tabRole === 'follower');
      const became = ownerSince(next);
      const closedAt = Date.now();
      await alice.page.close();
      handover.push((await became) - closedAt);
      alice.page = next;
    }
    const round1 = (n: number) => Math.round(n * 10) / 10;
    console.log(
      JSON.stringify({
        bench: 'tabs',
        rounds: ROUNDS,
        handover_ms_p50: round1(median(handover)),
        handover_ms_p95: round1(percentile(handover, 95)),
        handover_ms_max: round1(Math.max(...handover)),
      }),
    );
  } finally {
    await closeWithin(stack, CLOSE_TIMEOUT_MS);
  }
}
