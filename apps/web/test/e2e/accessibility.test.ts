/**
 * An axe-core scan of every screen, in the light and the dark theme (contrast differs), must find
 * no serious or critical violation; the whole flow also works with the keyboard alone. The
 * screenshots of each screen land in test-results/ for a person to look at.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  acceptRequest,
  bubble,
  openChat,
  openUser,
  screenshot,
  send,
  signUp,
  startChat,
  type User,
  waitForChat,
} from './harness/user.js';

async function checkScreen(page: Page, name: string): Promise<void> {
  // Fonts loaded and entrance animations jumped to their end, so contrast is measured on final
  // colours. finish() rather than awaiting `finished`: an animation that is paused or not yet
  // started (a busy machine, a background page) would never settle on its own.
  await page.evaluate(async () => {
    await document.fonts.ready;
    for (const animation of document.getAnimations()) {
      if (animation.effect?.getTiming().iterations !== Infinity) animation.finish();
    }
  });
  await screenshot(page, name);
  expect(await seriousViolations(page), name).toEqual([]);
}

describe('accessibility', () => {
  const stack = useStack();

  for (const scheme of ['light', 'dark'] as const) {
    it(`every screen passes axe in the ${scheme} theme`, async () => {
      const alice = await openUser(stack, 'alice', { colorScheme: scheme });
      const bob = await openUser(stack, 'bob', { colorScheme: scheme });

      await alice.page.getByLabel('Username').waitFor();
      await checkScreen(alice.page, `${scheme}-1-sign-up`);
      await alice.page.getByLabel('Username').fill('9lives');
      await alice.page.getByRole('button', { name: 'Create account' }).click();
      await alice.page.getByRole('alert').waitFor();
      await checkScreen(alice.page, `${scheme}-2-sign-up-error`);

      await signUp(alice);
      await signUp(bob);
      await checkScreen(alice.page, `${scheme}-3-empty-chat-list`);

      await alice.page.getByRole('button', { name: 'New chat' }).first().click();
      await alice.page.getByLabel('Their username').fill(bob.username);
      await checkScreen(alice.page, `${scheme}-4-new-chat-dialog`);
      await alice.page.keyboard.press('Escape');

      await startChat(alice, bob.username);
      await send(alice, bob.username, 'Hi! Are we still on for tonight?');
      await send(alice, bob.username, 'I can bring the board games.');
      await waitForChat(bob, alice.username);
      await checkScreen(bob.page, `${scheme}-5-chat-list-unread`);
      await openChat(bob, alice.username);
      await checkScreen(bob.page, `${scheme}-5b-message-request`);
      await acceptRequest(bob, alice.username);
      await send(bob, alice.username, 'Yes! See you at eight.');
      await expect
        .poll(() => bubble(alice.page, 'Yes! See you at eight.').count(), { timeout: 30_000 })
        .toBe(1);
      await checkScreen(alice.page, `${scheme}-6-conversation`);

      await alice.page
        .getByRole('link', { name: `Settings and profile of ${alice.username}` })
        .click();
      await alice.page.getByTestId('safety-number').waitFor({ timeout: 30_000 });
      await checkScreen(alice.page, `${scheme}-7-settings-safety-numbers`);

      const phone = await openUser(stack, 'phone', {
        colorScheme: scheme,
        viewport: { width: 390, height: 780 },
      });
      await signUp(phone);
      await startChat(phone, alice.username);
      await send(phone, alice.username, 'Hello from my phone!');
      await checkScreen(phone.page, `${scheme}-8-phone-conversation`);
      await phone.page.getByRole('link', { name: 'Back to chats' }).click();
      await checkScreen(phone.page, `${scheme}-9-phone-chat-list`);

      for (const user of [alice, bob, phone]) await user.context.close();
    });
  }

  it('the whole flow works with the keyboard alone', async () => {
    const bob = await openUser(stack, 'bob');
    await signUp(bob);
    const keyboardUser: User = await openUser(stack, 'keys');
    const { page } = keyboardUser;

    // The username field has focus on arrival; Enter submits the form.
    await page.getByLabel('Username').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'username');
    await page.keyboard.type(keyboardUser.username);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });

    // Tab reaches "New chat" (after the profile link); Enter opens the dialog with focus inside.
    await tabUntilFocused(page, 'New chat');
    await page.keyboard.press('Enter');
    await page.getByLabel('Their username').waitFor();
    await page.keyboard.type(bob.username);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: `Chat with ${bob.username}` }).waitFor();

    // The composer has focus in a newly opened chat: type and Enter sends.
    await page.keyboard.type('typed without a mouse');
    await page.keyboard.press('Enter');
    await expect.poll(() => bubble(page, 'typed without a mouse').count()).toBe(1);

    // Back to the list and into settings by keyboard.
    await tabUntilFocused(page, `Settings and profile of ${keyboardUser.username}`, true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();

    await keyboardUser.context.close();
    await bob.context.close();
  });
});

/** Presses Tab (or Shift+Tab) until the control with this accessible name has focus. */
async function tabUntilFocused(page: Page, name: string, backwards = false): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    const focusedName = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
    });
    if (focusedName === name) return;
    seen.push(focusedName);
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach "${name}" with the keyboard; focus went: ${seen.join(' -> ')}`);
}
