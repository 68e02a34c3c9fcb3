/**
 * Leaving, as people expect it from Signal and WhatsApp: signing this device out (a warning that
 * its keys and history go, and that with no other device the account goes too), and deleting the
 * account (typed username). Afterwards the page is at sign-up with nothing of the old account left
 * in IndexedDB; a contact sees the deleted account as gone and cannot write to it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  meetInChat,
  openUser,
  screenshot,
  send,
  signUp,
  startChat,
} from './harness/user.js';

/** Rows in the stores of the app's IndexedDB database `parley` (the device's account and chats). */
function storedRows(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name);
    if (!names.includes('parley')) return {};
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('parley');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const counts: Record<string, number> = {};
    for (const store of ['account', 'conversations', 'messages', 'sessions', 'identities']) {
      counts[store] = await new Promise<number>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    db.close();
    return counts;
  });
}

async function openSettings(page: Page, username: string): Promise<void> {
  await page.getByRole('link', { name: `Settings and profile of ${username}` }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
}

describe('signing out and deleting the account', () => {
  const stack = useStack();

  it('signs out after a clear warning: back at sign-up, the device database emptied, the name free', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await signUp(alice);
    await signUp(bob);
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'kept only on this device');
    await expect
      .poll(() => bubble(alice.page, 'kept only on this device').getAttribute('data-status'), {
        timeout: 30_000,
      })
      .toBe('delivered');
    await alice.page.getByLabel(`Message to ${bob.username}`).fill('a draft');
    const before = await storedRows(alice.page);
    expect(before.account).toBe(1);
    expect(before.messages).toBeGreaterThan(0);

    await openSettings(alice.page, alice.username);
    await alice.page.getByRole('button', { name: 'Sign out' }).click();
    const dialog = alice.page.getByRole('alertdialog', { name: 'Sign out of this device?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("This device's keys and all its chats");
    expect(await dialog.textContent()).toContain(
      'If this is your only device, your account is deleted too',
    );
    await screenshot(alice.page, 'sign-out-warning');
    expect(await seriousViolations(alice.page)).toEqual([]);

    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await alice.page.getByRole('button', { name: 'Create account' }).waitFor({ timeout: 30_000 });
    await expect
      .poll(() => storedRows(alice.page))
      .toEqual({ account: 0, conversations: 0, messages: 0, sessions: 0, identities: 0 });
    expect(
      await alice.page.evaluate(() =>
        Object.keys(localStorage).filter((k) => k.startsWith('parley:draft')),
      ),
    ).toEqual([]);

    // Alice's only device is gone, so is her account: her username is free for anyone.
    await signUp(alice);
    await alice.context.close();
    await bob.context.close();
  });

  it.each(['owner', 'follower'] as const)(
    'signing out in the %s tab takes every tab of the device to sign-up',
    async (from) => {
      const alice = await openUser(stack, 'alice');
      await signUp(alice);
      // A second tab of the same browser profile is a client of the first (docs/decisions/0710).
      const second = await alice.context.newPage();
      await second.goto('/');
      await second.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });

      const signingOut = from === 'owner' ? alice.page : second;
      await openSettings(signingOut, alice.username);
      await signingOut.getByRole('button', { name: 'Sign out' }).click();
      await signingOut
        .getByRole('alertdialog', { name: 'Sign out of this device?' })
        .getByRole('button', { name: 'Sign out' })
        .click();
      for (const page of [alice.page, second])
        await page.getByRole('button', { name: 'Create account' }).waitFor({ timeout: 30_000 });
      await expect
        .poll(() => storedRows(alice.page))
        .toEqual({
          account: 0,
          conversations: 0,
          messages: 0,
          sessions: 0,
          identities: 0,
        });
      await alice.context.close();
    },
  );

  it('deletes the account after the username is typed; the contact sees it no longer exists', async () => {
    const { alice, bob } = await meetInChat(stack, 'before the goodbye');
    await openSettings(bob.page, bob.username);
    await bob.page.getByRole('button', { name: 'Delete account' }).click();
    const dialog = bob.page.getByRole('alertdialog', { name: 'Delete your account?' });
    await dialog.waitFor();
    const confirm = dialog.getByRole('button', { name: 'Delete account' });
    expect(await confirm.isDisabled()).toBe(true);
    const field = dialog.getByLabel(/Type your username/);
    await field.fill(alice.username);
    expect(await confirm.isDisabled()).toBe(true);
    await field.fill(bob.username);
    expect(await confirm.isDisabled()).toBe(false);
    await screenshot(bob.page, 'delete-account-confirmation');
    expect(await seriousViolations(bob.page)).toEqual([]);

    await confirm.click();
    await bob.page.getByRole('button', { name: 'Create account' }).waitFor({ timeout: 30_000 });
    expect((await storedRows(bob.page)).account).toBe(0);

    // Bob's device told Alice's before the relay forgot the account (its "account deleted"
    // notice): without Alice sending or typing anything, her chat says so and has no composer.
    const gone = alice.page
      .getByRole('status')
      .filter({ hasText: 'This account no longer exists' });
    await gone.waitFor({ timeout: 30_000 });
    expect(await alice.page.getByLabel(`Message to ${bob.username}`).count()).toBe(0);
    await screenshot(alice.page, 'contact-account-deleted');

    await alice.context.close();
    await bob.context.close();
  });
});
