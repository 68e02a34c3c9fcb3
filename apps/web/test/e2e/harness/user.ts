/**
 * A person using Parley: one browser context each (own IndexedDB, own service worker), driving
 * the UI only through what a person sees (roles, names, text).
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Stack } from './stack.js';

export const resultsDir = fileURLToPath(new URL('../../../test-results/', import.meta.url));

export interface User {
  readonly username: string;
  readonly context: BrowserContext;
  page: Page;
}

let counter = 0;

/** Usernames unique per run, so a reused data dir can never collide. */
export function uniqueName(base: string): string {
  return `${base}${Date.now().toString(36).slice(-5)}${counter++}`;
}

export async function openUser(
  stack: Stack,
  base: string,
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<User> {
  const context = await stack.browser.newContext({
    baseURL: stack.origin,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1100, height: 800 },
    locale: 'en-GB',
  });
  const page = await context.newPage();
  await page.goto('/');
  return { username: uniqueName(base), context, page };
}

export async function signUp(user: User): Promise<void> {
  const { page } = user;
  await page.getByLabel('Username').fill(user.username);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
}

export async function startChat(user: User, peer: string): Promise<void> {
  const { page } = user;
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await page.getByLabel('Their username').fill(peer);
  await page.getByRole('button', { name: 'Start chat' }).click();
  await page.getByRole('region', { name: `Chat with ${peer}` }).waitFor();
}

/** The chat list's row for the chat with `peer`. */
export function chatRow(page: Page, peer: string): Locator {
  return page.getByRole('link', { name: new RegExp(`^${peer}\\b`) });
}

/** Waits until the chat with `peer` shows up in the user's chat list (its first message arrived). */
export async function waitForChat(user: User, peer: string): Promise<void> {
  await expect.poll(() => chatRow(user.page, peer).count(), { timeout: 30_000 }).toBe(1);
}

export async function openChat(user: User, peer: string): Promise<void> {
  await chatRow(user.page, peer).click();
  await user.page.getByRole('region', { name: `Chat with ${peer}` }).waitFor();
}

/**
 * Accepts the message request of the open chat with `peer`: a stranger's first message lands in
 * "Message requests", and the chat gets its composer only once accepted.
 */
export async function acceptRequest(user: User, peer: string): Promise<void> {
  await user.page
    .getByRole('region', { name: `Message request from ${peer}` })
    .getByRole('button', { name: 'Accept' })
    .click();
  await user.page.getByLabel(`Message to ${peer}`).waitFor();
}

/**
 * Joins the open group `title` that `inviter` added the user to: a group from someone not in the
 * user's chats arrives as an invitation (a request), and gets its composer only once joined.
 */
export async function joinGroup(user: User, inviter: string, title: string): Promise<void> {
  await user.page
    .getByRole('region', { name: `Group invitation from ${inviter}` })
    .getByRole('button', { name: 'Join' })
    .click();
  await user.page.getByLabel(`Message to ${title}`).waitFor();
}

export async function send(user: User, peer: string, text: string): Promise<void> {
  const composer = user.page.getByLabel(`Message to ${peer}`);
  await composer.fill(text);
  await composer.press('Enter');
}

/**
 * Two new users, alice and bob, sign up; alice starts a chat with bob and sends `firstText`; bob
 * waits for the chat to arrive, opens it and accepts it (Alice was a stranger to Bob). The common
 * opening of the two-person scenarios.
 */
export async function meetInChat(
  stack: Stack,
  firstText: string,
): Promise<{ alice: User; bob: User }> {
  const alice = await openUser(stack, 'alice');
  const bob = await openUser(stack, 'bob');
  await signUp(alice);
  await signUp(bob);
  await startChat(alice, bob.username);
  await send(alice, bob.username, firstText);
  await waitForChat(bob, alice.username);
  await openChat(bob, alice.username);
  await acceptRequest(bob, alice.username);
  return { alice, bob };
}

/** The bubble row of a message, by its exact text. */
export function bubble(page: Page, text: string): Locator {
  return page.locator('[data-message-id]').filter({ has: page.getByText(text, { exact: true }) });
}

/** Opens the app again in the same context (same storage), as reopening a closed tab does. */
export async function reopen(user: User): Promise<void> {
  if (!user.page.isClosed()) await user.page.close();
  user.page = await user.context.newPage();
  await user.page.goto('/');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: `${resultsDir}${name}.png` });
}
