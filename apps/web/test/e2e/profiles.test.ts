/**
 * Profiles end to end (decision 0345): Alice gives her name at sign-up and adds a photo in
 * Settings; Bob sees neither while her first message is a request, then both in his chat list
 * and the chat's header once he accepts; Alice renames herself and Bob's screens follow. The
 * relay only ever holds the encrypted profile; the photo is cropped and scaled in Alice's browser.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  chatRow,
  openChat,
  openUser,
  screenshot,
  send,
  startChat,
  waitForChat,
  type User,
} from './harness/user.js';

/** A colourful 400x300 PNG drawn in the page: a photo wider than tall, to be cropped square. */
async function photo(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, 400, 300);
    gradient.addColorStop(0, '#ff7a59');
    gradient.addColorStop(1, '#6a5cff');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 400, 300);
    context.fillStyle = '#ffe066';
    context.beginPath();
    context.arc(200, 150, 90, 0, Math.PI * 2);
    context.fill();
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

async function signUpWithName(user: User, name: string): Promise<void> {
  await user.page.getByLabel('Username').fill(user.username);
  await user.page.getByLabel('Your name (optional)').fill(name);
  await screenshot(user.page, 'profile-sign-up-with-name');
  await user.page.getByRole('button', { name: 'Create account' }).click();
  await user.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
}

async function openSettings(user: User): Promise<void> {
  await user.page.getByRole('link', { name: /^Settings and profile of/ }).click();
  await user.page.getByRole('heading', { name: 'Settings' }).waitFor();
}

const header = (page: Page, title: string) =>
  page.getByRole('region', { name: `Chat with ${title}` }).locator('header');

describe('profiles', () => {
  const stack = useStack();

  it('shows a contact’s name and photo after they chat, and follows a change', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await signUpWithName(alice, 'Alice Liddell');
    await bob.page.getByLabel('Username').fill(bob.username);
    await bob.page.getByRole('button', { name: 'Create account' }).click();
    await bob.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });

    // Alice's photo: picked in Settings, previewed, saved with her profile.
    await openSettings(alice);
    const card = alice.page.getByRole('form', { name: 'Profile' });
    expect(await card.getByLabel('Name').inputValue()).toBe('Alice Liddell');
    await card.getByLabel('Profile photo').setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: await photo(alice.page),
    });
    const preview = card.locator('img.avatar');
    await preview.waitFor();
    expect(await preview.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    expect(
      await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
    ).toEqual([256, 256]);
    await card.getByLabel('About').fill('Curiouser and curiouser');
    await card.getByRole('button', { name: 'Save profile' }).click();
    await card.getByRole('status').getByText('Saved').waitFor({ timeout: 30_000 });
    await screenshot(alice.page, 'profile-settings');
    expect(await seriousViolations(alice.page)).toEqual([]);
    await alice.page.setViewportSize({ width: 390, height: 844 });
    await screenshot(alice.page, 'profile-settings-phone');
    await alice.page.setViewportSize({ width: 1100, height: 800 });

    // Alice writes first: to Bob she is a stranger until he accepts, shown by her username.
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'Hello Bob, it is Alice');
    await waitForChat(bob, alice.username);
    await openChat(bob, alice.username);
    expect(await header(bob.page, alice.username).locator('img.avatar').count()).toBe(0);
    await bob.page
      .getByRole('region', { name: `Message request from ${alice.username}` })
      .getByRole('button', { name: 'Accept' })
      .click();

    // Accepted: her name and photo replace the username in the chat list and the header.
    await chatRow(bob.page, 'Alice Liddell').waitFor({ timeout: 30_000 });
    await header(bob.page, 'Alice Liddell')
      .getByRole('heading', { name: 'Alice Liddell' })
      .waitFor();
    expect(await chatRow(bob.page, 'Alice Liddell').locator('img.avatar').count()).toBe(1);
    expect(await header(bob.page, 'Alice Liddell').locator('img.avatar').count()).toBe(1);
    await screenshot(bob.page, 'profile-bob-sees-alice');

    // Alice renames herself; Bob's list and header follow.
    await openSettings(alice);
    const name = alice.page.getByRole('form', { name: 'Profile' }).getByLabel('Name');
    await name.fill('Alice in Wonderland');
    await alice.page.getByRole('button', { name: 'Save profile' }).click();
    await alice.page.getByRole('status').getByText('Saved').waitFor({ timeout: 30_000 });
    await chatRow(bob.page, 'Alice in Wonderland').waitFor({ timeout: 30_000 });
    await header(bob.page, 'Alice in Wonderland')
      .getByRole('heading', { name: 'Alice in Wonderland' })
      .waitFor();
    expect(await chatRow(bob.page, 'Alice Liddell').count()).toBe(0);
    await screenshot(bob.page, 'profile-bob-sees-rename');

    // In a group, her bubbles are signed with her profile name, not her username.
    await alice.page.getByRole('button', { name: 'New group' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Tea party');
    await dialog.getByLabel("Members' usernames").fill(bob.username);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    const composer = alice.page.getByLabel('Message to Tea party');
    await composer.fill('Tea at four?');
    await composer.press('Enter');
    await chatRow(bob.page, 'Tea party').waitFor({ timeout: 30_000 });
    await chatRow(bob.page, 'Tea party').click();
    const sender = bubble(bob.page, 'Tea at four?').locator('.bubble__sender');
    await expect.poll(() => sender.textContent(), { timeout: 30_000 }).toBe('Alice in Wonderland');
    await screenshot(bob.page, 'profile-group-bubble');
  });
});
