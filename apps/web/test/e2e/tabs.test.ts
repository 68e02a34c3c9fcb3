/**
 * Several tabs of one device (docs/decisions/0710): two tabs of Alice's browser profile share one
 * device, one owning its socket and outbox, the other a full client of it. Both read and send
 * without knocking each other off the relay; when the owner tab closes in the middle of a burst of
 * sends (from another tab and from Bob), the next tab takes the device over, the third follows it,
 * and every message shows up exactly once on both sides.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
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
  uniqueName,
  waitForChat,
  type User,
} from './harness/user.js';

/** Tall enough that the virtualized timeline renders every message of the test at once. */
const viewport = { width: 1000, height: 2200 };

/** The texts of the open chat's bubbles, sorted (both sides send at once: order may differ). */
function shownTexts(page: Page): Promise<string[]> {
  return page
    .locator('[data-message-id] .bubble__text')
    .allTextContents()
    .then((texts) => texts.sort());
}

/** Neither the offline banner nor "the server no longer accepts this device" is on screen. */
async function expectNoFalseAlarm(page: Page): Promise<void> {
  expect(await page.getByTestId('connection-banner').count()).toBe(0);
  expect(await page.getByText(/no longer accepts this device/).count()).toBe(0);
}

/** The account a tab shows, from its profile link. */
async function accountOf(page: Page): Promise<string> {
  const link = page.getByRole('link', { name: /^Settings and profile of / });
  return ((await link.getAttribute('aria-label')) ?? '').replace('Settings and profile of ', '');
}

const role = (page: Page) => page.evaluate(() => document.documentElement.dataset.tabRole);

describe('several tabs of one device', () => {
  const stack = useStack();

  it('share the device, and the other tab takes over when the owner closes mid-burst', async () => {
    // Alice opens the app twice before she has an account.
    const opened = await openUser(stack, 'alice', { viewport });
    const first = opened.page;
    await expect.poll(() => role(first)).toBe('owner');
    const second = await opened.context.newPage();
    await second.goto('/');
    await expect.poll(() => role(second)).toBe('follower');

    // She signs up in both tabs at once, under two names: the device gets one account, both show it.
    const names = [opened.username, uniqueName('alice')];
    for (const [i, page] of [first, second].entries())
      await page.getByLabel('Username').fill(names[i]!);
    // Clicked in both pages at once, or in one only if the other already shows the account.
    await Promise.all(
      [first, second].map((page) =>
        page.evaluate(() =>
          [...document.querySelectorAll('button')]
            .find((button) => button.textContent === 'Create account')
            ?.click(),
        ),
      ),
    );
    for (const page of [first, second])
      await page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
    const username = await accountOf(first);
    expect(names).toContain(username);
    expect(await accountOf(second)).toBe(username);
    const alice: User = { ...opened, username };
    const aliceInSecond: User = { ...alice, page: second };

    const bob = await openUser(stack, 'bob', { viewport });
    await signUp(bob);

    // Both tabs send and read.
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'from the first tab');
    await waitForChat(aliceInSecond, bob.username);
    await openChat(aliceInSecond, bob.username);
    await send(aliceInSecond, bob.username, 'from the second tab');
    await waitForChat(bob, alice.username);
    await openChat(bob, alice.username);
    await acceptRequest(bob, alice.username);
    await send(bob, alice.username, 'from bob');
    const opening = ['from bob', 'from the first tab', 'from the second tab'];
    for (const page of [first, second, bob.page])
      await expect.poll(() => shownTexts(page), { timeout: 30_000 }).toEqual(opening);

    // The owner stays the owner while in the background. (Headless Chromium keeps every page
    // 'visible' whatever is in front, so this shows the role does not follow focus; nothing in
    // src/tabs looks at visibility: the owner lock is held for the page's life.)
    await second.bringToFront();
    await send(aliceInSecond, bob.username, 'while the first tab is in the background');
    await expect
      .poll(() => bubble(bob.page, 'while the first tab is in the background').count(), {
        timeout: 30_000,
      })
      .toBe(1);
    expect(await role(first)).toBe('owner');
    for (const page of [first, second]) await expectNoFalseAlarm(page);
    await screenshot(first, 'tabs-1-owner');
    await screenshot(second, 'tabs-2-follower');

    // A third tab joins: after the handover it follows the new owner.
    const third = await alice.context.newPage();
    await third.goto('/');
    await expect.poll(() => role(third)).toBe('follower');
    const aliceInThird: User = { ...alice, page: third };
    await openChat(aliceInThird, bob.username);

    // A burst from the second tab and from Bob; the owner tab closes in the middle of it.
    const burst = (from: string, range: number[]) => range.map((i) => `${from} burst ${i}`);
    const before = burst('tab', [1, 2, 3, 4]);
    const unanswered = 'sent while the first tab hangs';
    const after = burst('tab', [5, 6, 7, 8]);
    const fromBob = burst('bob', [1, 2, 3, 4, 5, 6]);
    for (const [i, text] of before.entries()) {
      await send(aliceInSecond, bob.username, text);
      await send(bob, alice.username, fromBob[i]!);
    }
    // The owner hangs (its thread never yields again): the next send reaches it and is never
    // answered, as when a tab dies mid-call. Then it closes, and the burst goes on.
    await first.evaluate(
      () =>
        void setTimeout(() => {
          for (;;);
        }),
    );
    await send(aliceInSecond, bob.username, unanswered);
    const closing = first.close();
    for (const [i, text] of after.entries()) {
      await send(aliceInSecond, bob.username, text);
      if (fromBob[i + 4]) await send(bob, alice.username, fromBob[i + 4]!);
    }
    await closing;

    const everything = [
      ...opening,
      'while the first tab is in the background',
      ...before,
      unanswered,
      ...after,
      ...fromBob,
    ].sort();
    for (const page of [second, third, bob.page])
      await expect.poll(() => shownTexts(page), { timeout: 60_000 }).toEqual(everything);
    await expect.poll(() => role(second)).toBe('owner');
    expect(await role(third)).toBe('follower');

    // The surviving tabs keep sending, through the new owner; their messages leave the device.
    await send(aliceInSecond, bob.username, 'after the handover');
    await send(aliceInThird, bob.username, 'from the third tab');
    for (const text of ['after the handover', 'from the third tab'])
      await expect.poll(() => bubble(bob.page, text).count(), { timeout: 30_000 }).toBe(1);
    for (const text of [
      ...before,
      unanswered,
      ...after,
      'after the handover',
      'from the third tab',
    ])
      await expect
        .poll(() => bubble(second, text).getAttribute('data-status'), { timeout: 30_000 })
        .not.toBe('pending');
    for (const page of [second, third]) {
      expect((await shownTexts(page)).length).toBe(everything.length + 2);
      await expectNoFalseAlarm(page);
    }
    await screenshot(second, 'tabs-3-after-handover');
    await screenshot(third, 'tabs-3-third-tab');
    await screenshot(bob.page, 'tabs-4-bob');

    await alice.context.close();
    await bob.context.close();
  });
});
