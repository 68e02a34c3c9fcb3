/**
 * A read receipt goes out only for a message the reader has had on screen, in a visible page of a
 * focused window. Bob scrolls up in a long chat; Alice's next message lands below his view and
 * stays "delivered" until he scrolls down to it. Then Bob's window loses focus; a message that
 * arrives on screen stays unread until the window has focus again.
 *
 * "Not read" is proven without waiting a while: after the new message arrives, Bob types, and
 * Alice seeing him typing means everything Bob's device sent before has reached her, a read
 * receipt included, had there been one.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useStack } from './harness/use-stack.js';
import {
  acceptRequest,
  bubble,
  openChat,
  openUser,
  send,
  signUp,
  startChat,
  waitForChat,
  type User,
} from './harness/user.js';

const COUNT = 15;
const history = Array.from({ length: COUNT }, (_, i) => `history ${i + 1} of ${COUNT}`);

function tick(alice: User, text: string): Promise<string | null> {
  return bubble(alice.page, text).getAttribute('data-status');
}

function jumpButton(page: Page) {
  return page.getByRole('button', { name: /^Jump to the newest message/ });
}

/** Bob types to Alice and she sees it: a barrier for whatever Bob's device sent before. */
async function typingBarrier(alice: User, bob: User): Promise<void> {
  const composer = bob.page.getByLabel(`Message to ${alice.username}`);
  await composer.pressSequentially('hm', { delay: 20 });
  await expect
    .poll(() => alice.page.getByTestId('typing-indicator').textContent(), { timeout: 30_000 })
    .toContain('typing');
  await composer.fill('');
  await expect
    .poll(() => alice.page.getByTestId('typing-indicator').textContent(), { timeout: 30_000 })
    .not.toContain('typing');
}

/**
 * Headless Chromium under Playwright reports every page as focused, so losing and regaining focus
 * is what the browser would tell the page: `document.hasFocus()` and the window's blur/focus events.
 */
async function setWindowFocused(page: Page, focused: boolean): Promise<void> {
  await page.evaluate((focused) => {
    if (focused) Reflect.deleteProperty(document, 'hasFocus');
    else Object.defineProperty(document, 'hasFocus', { value: () => false, configurable: true });
    window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
  }, focused);
}

describe('read receipts', () => {
  const stack = useStack();

  it('are sent only for messages seen in a focused page', async () => {
    const alice = await openUser(stack, 'alice');
    // A short window, so a few messages fill it and the chat scrolls.
    const bob = await openUser(stack, 'bob', { viewport: { width: 1100, height: 500 } });
    await signUp(alice);
    await signUp(bob);
    await startChat(alice, bob.username);
    await send(alice, bob.username, history[0]!);
    await waitForChat(bob, alice.username);
    await openChat(bob, alice.username);
    await acceptRequest(bob, alice.username);
    for (const text of history.slice(1)) await send(alice, bob.username, text);
    // Bob has the chat open at its newest message: the whole history is read.
    await expect.poll(() => tick(alice, history.at(-1)!), { timeout: 60_000 }).toBe('read');

    // Bob scrolls up to the start with his mouse wheel; the newest messages are out of view. (A
    // scroll set by script would not count as his: the list sticks to the bottom until he scrolls.)
    await bob.page.getByRole('region', { name: 'Messages' }).hover();
    await bob.page.mouse.wheel(0, -100_000);
    await jumpButton(bob.page).waitFor();

    await send(alice, bob.username, 'below the fold');
    await expect.poll(() => tick(alice, 'below the fold'), { timeout: 30_000 }).toBe('delivered');
    await expect
      .poll(() => jumpButton(bob.page).getAttribute('aria-label'), { timeout: 30_000 })
      .toBe('Jump to the newest message, 1 unread');
    await typingBarrier(alice, bob);
    expect(await tick(alice, 'below the fold')).toBe('delivered');

    // Scrolling down to it reads it.
    await jumpButton(bob.page).click();
    await expect.poll(() => tick(alice, 'below the fold'), { timeout: 30_000 }).toBe('read');
    await jumpButton(bob.page).waitFor({ state: 'detached' });

    // Bob's window loses focus; a message arriving at the bottom of his open chat is on screen
    // but not read until he comes back.
    await setWindowFocused(bob.page, false);
    await send(alice, bob.username, 'while away');
    await expect.poll(() => tick(alice, 'while away'), { timeout: 30_000 }).toBe('delivered');
    await expect
      .poll(() => bubble(bob.page, 'while away').isVisible(), { timeout: 30_000 })
      .toBe(true);
    await typingBarrier(alice, bob);
    expect(await tick(alice, 'while away')).toBe('delivered');

    await setWindowFocused(bob.page, true);
    await expect.poll(() => tick(alice, 'while away'), { timeout: 30_000 }).toBe('read');

    await alice.context.close();
    await bob.context.close();
  });
});
