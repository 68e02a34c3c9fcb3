/**
 * Disappearing messages and view-once media between two people, in real Chromium against the
 * real relay and the real core. The 30-second timer runs for real: the test waits for the
 * messages to go (polling the page), it never sleeps.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  meetInChat,
  reopen,
  openChat,
  screenshot,
  send,
  type User,
} from './harness/user.js';

/** A small PNG drawn by Chromium's canvas: a coloured square. */
async function squarePng(page: Page, colour: string): Promise<Buffer> {
  const base64 = await page.evaluate((fill) => {
    const canvas = document.createElement('canvas');
    canvas.width = 120;
    canvas.height = 90;
    const context = canvas.getContext('2d')!;
    context.fillStyle = fill;
    context.fillRect(0, 0, 120, 90);
    return canvas.toDataURL('image/png').split(',')[1]!;
  }, colour);
  return Buffer.from(base64, 'base64');
}

async function setTimer(user: User, choice: string): Promise<void> {
  await user.page.getByTestId('disappearing-button').click();
  await user.page.getByRole('menuitemradio', { name: choice }).click();
}

const messageCount = (page: Page) => page.locator('[role="article"][data-message-id]').count();

/** Both themes of the page, each screenshotted and checked by axe. */
async function lookAt(page: Page, name: string): Promise<void> {
  // The new-message toast would cover the header's menu.
  for (const dismiss of await page.getByRole('button', { name: /^Dismiss notification/ }).all())
    await dismiss.click();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `${name}-${colorScheme}`);
    expect(await seriousViolations(page)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('disappearing messages in the browser', () => {
  const stack = useStack();

  it('a chat with a 30-second timer empties itself on both sides, photo included', async () => {
    const { alice, bob } = await meetInChat(stack, 'Before the timer');
    await bubble(alice.page, 'Before the timer').waitFor();
    await setTimer(alice, '30 seconds');

    // Both sides show the change as a system line, and the timer in the header.
    await alice.page.getByText('You set disappearing messages to 30 seconds').waitFor();
    await bob.page
      .getByText(`${alice.username} set disappearing messages to 30 seconds`)
      .waitFor({ timeout: 30_000 });
    await bob.page.getByRole('button', { name: 'Disappearing messages: 30 seconds' }).waitFor();

    await send(alice, bob.username, 'This will vanish');
    await alice.page
      .getByTestId('attach-input')
      .setInputFiles([
        { name: 'square.png', mimeType: 'image/png', buffer: await squarePng(alice.page, '#3a7') },
      ]);
    // Bob has the chat open: he reads both at once, and his timers start.
    await bubble(bob.page, 'This will vanish').waitFor({ timeout: 30_000 });
    await bob.page.getByTestId('full-image').waitFor({ timeout: 60_000 });
    await alice.page.getByTestId('full-image').waitFor({ timeout: 60_000 });
    expect(await bob.page.getByTestId('disappearing-mark').count()).toBe(2);
    expect(await messageCount(bob.page)).toBe(3);
    await lookAt(bob.page, 'disappearing-timer-on');
    await bob.page.getByTestId('disappearing-button').click();
    await lookAt(bob.page, 'disappearing-menu');
    await bob.page.keyboard.press('Escape');

    // The real timer runs out: both messages go on both sides, the earlier one stays.
    for (const user of [alice, bob]) {
      await expect.poll(() => messageCount(user.page), { timeout: 120_000, interval: 500 }).toBe(1);
      await bubble(user.page, 'Before the timer').waitFor();
      expect(await user.page.getByTestId('full-image').count()).toBe(0);
      expect(await user.page.locator('.attachment, [data-testid="thumbnail"]').count()).toBe(0);
    }
    await lookAt(bob.page, 'disappearing-emptied');

    // And after a reload nothing comes back.
    await reopen(bob);
    await openChat(bob, alice.username);
    await bubble(bob.page, 'Before the timer').waitFor();
    expect(await messageCount(bob.page)).toBe(1);
    expect(await bob.page.getByText('This will vanish').count()).toBe(0);
    await alice.context.close();
    await bob.context.close();
  });

  it('view-once media opens once, then shows as opened, also after a reload', async () => {
    const { alice, bob } = await meetInChat(stack, 'A secret photo follows');
    await alice.page
      .getByRole('button', { name: 'Send the next photo or video as view once' })
      .click();
    await alice.page
      .getByTestId('attach-input')
      .setInputFiles([
        { name: 'secret.png', mimeType: 'image/png', buffer: await squarePng(alice.page, '#c43') },
      ]);
    await alice.page.getByTestId('view-once-sent').waitFor({ timeout: 60_000 });
    const open = bob.page.getByRole('button', { name: 'Open view-once photo' });
    await open.waitFor({ timeout: 60_000 });
    expect(await bob.page.getByTestId('thumbnail').count()).toBe(0);
    await lookAt(bob.page, 'view-once-unopened');

    await open.click();
    const viewer = bob.page.getByRole('dialog', { name: 'View-once photo' });
    await viewer.waitFor({ timeout: 60_000 });
    await screenshot(bob.page, 'view-once-viewer');
    await bob.page.getByRole('button', { name: 'Close photo' }).click();
    await bob.page.getByTestId('view-once-opened').waitFor();
    expect(await open.count()).toBe(0);
    await lookAt(bob.page, 'view-once-opened');

    await reopen(bob);
    await openChat(bob, alice.username);
    await bob.page.getByTestId('view-once-opened').waitFor();
    expect(await bob.page.getByRole('button', { name: 'Open view-once photo' }).count()).toBe(0);
    await alice.context.close();
    await bob.context.close();
  });
});
