/**
 * The account document on two devices of one person (the second linked with core's linking:
 * harness/link-device.ts): what one device sets (a contact's name, pin, mute, archive, block)
 * shows on the other, and a blocked account's messages never show on either.
 *
 * "Never shows" is proven without waiting a while: a later message from someone else to the same
 * person arrives after the blocked one (one ordered mailbox per device), so once it shows, the
 * blocked one was processed, and dropped.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { linkSecondDevice } from './harness/link-device.js';
import { useStack } from './harness/use-stack.js';
import {
  acceptRequest,
  bubble,
  chatRow,
  openChat,
  openUser,
  screenshot,
  send,
  signUp,
  startChat,
  waitForChat,
  type User,
} from './harness/user.js';

const chats = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });

async function openChatInfo(user: User, title: string) {
  await user.page.getByRole('button', { name: `Chat info for ${title}` }).click();
  return user.page.getByRole('dialog');
}

describe('the account document on two devices of one person', () => {
  const stack = useStack();

  it('name, pin, mute and archive set on one device show on the other; a blocked account never shows', async () => {
    const phone = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    const carol = await openUser(stack, 'carol');
    for (const user of [phone, bob, carol]) await signUp(user);
    const laptop = await linkSecondDevice(stack, phone, { colorScheme: 'dark' });

    // Alice writes to Bob and to Carol from her phone: both chats are on both her devices.
    await startChat(phone, bob.username);
    await send(phone, bob.username, 'hi Bob');
    await startChat(phone, carol.username);
    await send(phone, carol.username, 'hi Carol');
    await waitForChat(laptop, bob.username);
    await waitForChat(laptop, carol.username);

    // On the phone: Bob gets a name, and his chat is pinned.
    await openChat(phone, bob.username);
    const info = await openChatInfo(phone, bob.username);
    await info.getByRole('button', { name: 'Give this contact a name' }).click();
    await info.getByLabel(/Contact name/).fill('Bobby');
    await info.getByRole('button', { name: 'Save' }).click();
    await info.getByRole('heading', { name: 'Bobby' }).waitFor();
    expect(await info.getByTestId('chat-info-username').textContent()).toBe(`@${bob.username}`);
    await info.getByRole('button', { name: 'Pin chat' }).click();
    await info.getByRole('button', { name: 'Pinned', pressed: true }).waitFor();
    await screenshot(phone.page, 'account-document-chat-info-light');
    expect(await seriousViolations(phone.page)).toEqual([]);
    await info.getByRole('button', { name: 'Close' }).click();

    // On the laptop: the name and the pin arrived; Bob's chat is first though Carol's is newer.
    await expect.poll(() => chatRow(laptop.page, 'Bobby').count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => chatRow(laptop.page, 'Bobby').getAttribute('data-pinned'), { timeout: 30_000 })
      .toBe('true');
    expect(await chats(laptop.page).getByRole('link').first().getAttribute('aria-label')).toMatch(
      /^Bobby, pinned/,
    );
    // The laptop mutes the chat; the phone shows it muted.
    await openChat(laptop, 'Bobby');
    await laptop.page.getByRole('button', { name: 'Mute Bobby' }).click();
    await laptop.page.getByRole('menuitem', { name: 'Mute always' }).click();
    await phone.page
      .getByRole('button', { name: 'Muted: notifications for Bobby' })
      .waitFor({ timeout: 30_000 });

    // The phone archives Carol's chat; the laptop lists it under Archived.
    await openChat(phone, carol.username);
    const carolInfo = await openChatInfo(phone, carol.username);
    await carolInfo.getByRole('button', { name: 'Archive chat' }).click();
    await carolInfo.getByRole('button', { name: 'Archived', pressed: true }).waitFor();
    await carolInfo.getByRole('button', { name: 'Close' }).click();
    await laptop.page.getByRole('button', { name: 'Archived (1)' }).waitFor({ timeout: 30_000 });
    await screenshot(laptop.page, 'account-document-chat-list-dark');
    expect(await seriousViolations(laptop.page)).toEqual([]);

    // The laptop blocks Carol; the phone learns it too (its chat info offers Unblock).
    await laptop.page.getByRole('button', { name: 'Archived (1)' }).click();
    await openChat(laptop, carol.username);
    const block = await openChatInfo(laptop, carol.username);
    await block.getByRole('button', { name: 'Block' }).click();
    await block.getByRole('button', { name: 'Unblock' }).waitFor();
    await screenshot(laptop.page, 'account-document-blocked-dark');
    await block.getByRole('button', { name: 'Close' }).click();
    // Its composer gives way to the block, with Unblock at hand.
    await laptop.page.getByRole('region', { name: `${carol.username} is blocked` }).waitFor();
    await screenshot(laptop.page, 'account-document-blocked-bar-dark');
    expect(await seriousViolations(laptop.page)).toEqual([]);
    const phoneInfo = await openChatInfo(phone, carol.username);
    await phoneInfo.getByRole('button', { name: 'Unblock' }).waitFor({ timeout: 30_000 });
    await phoneInfo.getByRole('button', { name: 'Close' }).click();

    // Carol writes; then Bob does. Bob's message shows on both devices, Carol's on neither.
    await startChat(carol, phone.username);
    await send(carol, phone.username, 'Carol, after the block');
    await expect
      .poll(() => bubble(carol.page, 'Carol, after the block').getAttribute('data-status'), {
        timeout: 30_000,
      })
      .not.toBe('pending');
    await waitForChat(bob, phone.username);
    await openChat(bob, phone.username);
    await acceptRequest(bob, phone.username);
    await send(bob, phone.username, 'Bob, after Carol');
    await laptop.page.getByRole('button', { name: 'Back to chats' }).click();
    for (const device of [phone, laptop]) {
      await openChat(device, 'Bobby');
      await bubble(device.page, 'Bob, after Carol').waitFor({ timeout: 30_000 });
      await device.page.getByRole('button', { name: 'Archived (1)' }).click();
      await openChat(device, carol.username);
      await bubble(device.page, 'hi Carol').waitFor();
      expect(await bubble(device.page, 'Carol, after the block').count()).toBe(0);
      await device.page.getByRole('button', { name: 'Back to chats' }).click();
    }
  });
});
