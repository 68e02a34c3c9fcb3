/**
 * What people expect around the chats (issue 13): the unread count in the tab's title and on the
 * favicon; a theme toggle (system, light, dark) applied at once and kept across a reload; and
 * privacy switches for read receipts and typing indicators that the other side then stops
 * receiving.
 *
 * "Not received" is proven without waiting: Alice sends a message after Bob read and typed, and
 * its "delivered" tick means Bob's device has answered, so anything it sent before (a read
 * receipt, a typing indicator) would have reached Alice already.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import { bubble, meetInChat, openChat, screenshot, send, type User } from './harness/user.js';

/** Headless Chromium reports every page focused; this is what losing and regaining focus tell it. */
async function setWindowFocused(page: Page, focused: boolean): Promise<void> {
  await page.evaluate((focused) => {
    if (focused) Reflect.deleteProperty(document, 'hasFocus');
    else Object.defineProperty(document, 'hasFocus', { value: () => false, configurable: true });
    window.dispatchEvent(new Event(focused ? 'focus' : 'blur'));
  }, focused);
}

function favicon(page: Page): Promise<{ href: string; unread: string | undefined }> {
  return page.evaluate(() => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    return { href: link?.href ?? '', unread: link?.dataset.unread };
  });
}

const backgroundOf = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

async function openSettings(user: User): Promise<void> {
  await user.page.getByRole('link', { name: `Settings and profile of ${user.username}` }).click();
  await user.page.getByRole('heading', { name: 'Settings' }).waitFor();
}

/**
 * Clicks a setting's radio button and waits for it to show as chosen: the settings show what core
 * has stored, a moment after the click (Playwright's check() wants it within the click).
 */
async function choose(radio: Locator): Promise<void> {
  await radio.click();
  await expect.poll(() => radio.isChecked()).toBe(true);
}

describe('settings, theme and unread badge', () => {
  const stack = useStack();

  it('counts unread messages in the title and favicon', async () => {
    const { alice, bob } = await meetInChat(stack, 'hello');
    await expect.poll(() => bob.page.title()).toBe('Parley');
    await setWindowFocused(bob.page, false);
    for (const text of ['one', 'two', 'three']) await send(alice, bob.username, text);
    await expect.poll(() => bob.page.title(), { timeout: 30_000 }).toBe('(3) Parley');
    await expect.poll(async () => (await favicon(bob.page)).unread).toBe('3');
    expect((await favicon(bob.page)).href).toMatch(/^data:image\/png;base64,/);
    await screenshot(bob.page, 'unread-title-light');

    await setWindowFocused(bob.page, true);
    await expect.poll(() => bob.page.title(), { timeout: 30_000 }).toBe('Parley');
    await expect.poll(async () => (await favicon(bob.page)).href).toMatch(/\/favicon\.svg$/);
    await alice.context.close();
    await bob.context.close();
  });

  it('switches the theme at once and keeps it; privacy switches stop receipts and typing', async () => {
    const { alice, bob } = await meetInChat(stack, 'hello');
    await openSettings(bob);
    const lightBackground = await backgroundOf(bob.page);
    await choose(bob.page.getByRole('radio', { name: 'Dark' }));
    await expect.poll(() => backgroundOf(bob.page)).not.toBe(lightBackground);
    expect(await bob.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(bob.page, 'settings-dark');
    expect(await seriousViolations(bob.page)).toEqual([]);
    await bob.page.getByRole('region', { name: 'Privacy' }).scrollIntoViewIfNeeded();
    await screenshot(bob.page, 'settings-privacy-dark');
    await bob.page.reload();
    await bob.page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await bob.page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
    expect(await backgroundOf(bob.page)).not.toBe(lightBackground);
    await choose(bob.page.getByRole('radio', { name: 'System' }));
    await expect.poll(() => backgroundOf(bob.page)).toBe(lightBackground); // the context is light
    await screenshot(bob.page, 'settings-light');
    expect(await seriousViolations(bob.page)).toEqual([]);

    // The switches show the account settings, which change once core has stored the change:
    // click, then wait for the stored state (Playwright's uncheck() wants it within the click).
    for (const name of ['Read receipts', 'Typing indicators']) {
      const toggle = bob.page.getByRole('checkbox', { name });
      await toggle.click();
      await expect.poll(() => toggle.isChecked()).toBe(false);
    }
    await screenshot(bob.page, 'settings-privacy-off-light');
    await openChat(bob, alice.username);
    await send(alice, bob.username, 'will bob tell me he read this?');
    await expect
      .poll(() => bubble(bob.page, 'will bob tell me he read this?').count(), { timeout: 30_000 })
      .toBe(1);
    await bob.page
      .getByLabel(`Message to ${alice.username}`)
      .pressSequentially('hm', { delay: 20 });
    await send(alice, bob.username, 'barrier');
    await expect
      .poll(() => bubble(alice.page, 'barrier').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('delivered');
    expect(
      await bubble(alice.page, 'will bob tell me he read this?').getAttribute('data-status'),
    ).toBe('delivered');
    expect(await alice.page.getByTestId('typing-indicator').textContent()).not.toContain('typing');
    await alice.context.close();
    await bob.context.close();
  });
});
