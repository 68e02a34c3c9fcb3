/**
 * A long chat's history in pages (docs/decisions/0820), in real Chromium on the real core: the
 * device holds a chat of 1,000 messages (written into its IndexedDB as core stores them, as the
 * benchmarks seed it); opening it shows its newest page, scrolling to the top loads the older
 * pages down to the first message, and opening a message far back (a search result's link)
 * loads its part of the history and shows it highlighted in its place, as does the quote of a
 * reply to it seen from the newest page.
 */
import { TIMELINE_PAGE } from '@parley/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedPage } from '../../bench/seed-device.js';
import { useStack } from './harness/use-stack.js';
import { bubble, openUser, screenshot, signUp } from './harness/user.js';

const MESSAGES = 1_000;
const text = (n: number) => `Seeded message ${n} of ${MESSAGES}`;

/** Scrolls the timeline to its top: Virtuoso asks for the page before when it gets there. */
function scrollToTop(page: Page): Promise<void> {
  return page
    .getByRole('region', { name: 'Messages' })
    .evaluate((scroller) => scroller.scrollTo({ top: 0 }));
}

/**
 * The number of the oldest seeded message in the DOM (rendered rows only: the list is virtual), by
 * the bubbles' own text (a quote in a bubble names another message).
 */
function oldestShown(page: Page): Promise<number> {
  return page
    .locator('[data-message-id] .bubble__text')
    .evaluateAll((texts) =>
      Math.min(
        ...texts.map((text) =>
          Number(/Seeded message (\d+) of/.exec(text.textContent ?? '')?.[1] ?? Infinity),
        ),
      ),
    );
}

describe('a long chat in pages', () => {
  const stack = useStack();

  it('opens on its newest page, loads older pages on scroll, and jumps far back', async () => {
    const user = await openUser(stack, 'pager');
    await signUp(user);
    const { page } = user;
    const rows = await seedPage(page, {
      conversations: 2,
      messagesPerConversation: 3,
      largeConversationMessages: MESSAGES,
      // The newest message replies to the 40th.
      replyTo: (n, earlier) => (n === MESSAGES - 1 ? earlier[39] : undefined),
    });
    const chatId = rows.largeConversationId;
    const farBack = rows.messages.find((row) => row.body === text(40))!.id;
    await page.reload();

    await page.goto(`/#/chat/${encodeURIComponent(chatId)}`);
    await bubble(page, text(MESSAGES)).waitFor();
    // The newest page only: its oldest messages are not in the timeline yet.
    expect(await bubble(page, text(1)).count()).toBe(0);
    await screenshot(page, 'paged-history-newest');

    // At the top of the newest page the page before it comes in, and the view stays where it
    // was: older messages appear just above, the first one is pages away (with the whole
    // history loaded, scrolling to the top would show it).
    const newestPage = await oldestShown(page);
    expect(newestPage).toBeGreaterThan(1);
    await scrollToTop(page);
    await expect.poll(() => oldestShown(page)).toBeLessThan(newestPage);
    expect(await oldestShown(page)).toBeGreaterThan(newestPage - TIMELINE_PAGE);

    // Scrolling on up loads page after page, down to the first message.
    await expect
      .poll(
        async () => {
          await scrollToTop(page);
          return bubble(page, text(1)).count();
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    await screenshot(page, 'paged-history-top');

    // Far back in a freshly opened chat (a search result's link): loaded, shown, highlighted.
    await page.goto('/#/');
    await page.reload();
    await page.goto(`/#/chat/${encodeURIComponent(chatId)}/message/${encodeURIComponent(farBack)}`);
    const found = page.locator(`[data-message-id="${farBack}"][data-found]`);
    await found.waitFor({ timeout: 30_000 });
    await expect.poll(() => found.isVisible()).toBe(true);
    await screenshot(page, 'paged-history-found');

    // The newest message quotes that one: from the newest page, its quote jumps back there.
    await page.goto('/#/');
    await page.reload();
    await page.goto(`/#/chat/${encodeURIComponent(chatId)}`);
    await bubble(page, text(MESSAGES)).waitFor();
    expect(await page.locator(`[data-message-id="${farBack}"]`).count()).toBe(0);
    await bubble(page, text(MESSAGES))
      .getByRole('button', { name: /Jump to the original/ })
      .click();
    await found.waitFor({ timeout: 30_000 });
    await expect.poll(() => found.isVisible()).toBe(true);
    await screenshot(page, 'paged-history-quote-jump');
    await user.context.close();
  });
});
