/**
 * A long chat's history in pages (docs/decisions/0820), in real Chromium on the real core: the
 * device holds a chat of 1,000 messages (written into its IndexedDB as core stores them, as the
 * benchmarks seed it); opening it shows its newest page, scrolling to the top loads the older
 * pages down to the first message, and opening a message far back (a search result's link)
 * loads its part of the history and shows it highlighted in its place.
 */
import { seedConversations } from '@parley/core/test-support';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readSelf, writeRows } from '../../bench/seed-device.js';
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

describe('a long chat in pages', () => {
  const stack = useStack();

  it('opens on its newest page, loads older pages on scroll, and jumps far back', async () => {
    const user = await openUser(stack, 'pager');
    await signUp(user);
    const { page } = user;
    const self = await readSelf(page);
    const rows = await seedConversations({
      self: { accountId: self.accountId, username: self.username, deviceId: self.deviceId },
      conversations: 2,
      messagesPerConversation: 3,
      largeConversationMessages: MESSAGES,
    });
    await writeRows(page, rows);
    const chatId = rows.largeConversationId;
    const farBack = rows.messages.find((row) => row.body === text(40))!.id;
    await page.reload();

    await page.goto(`/#/chat/${encodeURIComponent(chatId)}`);
    await bubble(page, text(MESSAGES)).waitFor();
    // The newest page only: its oldest messages are not in the timeline yet.
    expect(await bubble(page, text(1)).count()).toBe(0);
    await screenshot(page, 'paged-history-newest');

    // At the top of the newest page, the page before it is loaded and the view stays where it
    // was: the first message is pages away (with the whole history loaded it would be on screen).
    await scrollToTop(page);
    await bubble(page, text(MESSAGES - 199)).waitFor();
    await bubble(page, text(MESSAGES - 201)).waitFor({ state: 'attached' });
    expect(await bubble(page, text(1)).count()).toBe(0);

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
    await user.context.close();
  });
});
