/**
 * Everything is stored on the device: a reload shows the same chats and messages (IndexedDB), and
 * with the network gone the service worker still starts the app and shows the stored chats.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness/use-stack.js';
import { bubble, chatRow, meetInChat, openChat, send } from './harness/user.js';

describe('local-first storage and the offline shell', () => {
  const stack = useStack();

  it('keeps chats across a reload and starts with the network offline', async () => {
    const { alice, bob } = await meetInChat(stack, 'stored on the device');
    await send(bob, alice.username, 'and the reply too');
    await expect
      .poll(() => bubble(alice.page, 'and the reply too').count(), { timeout: 30_000 })
      .toBe(1);

    await alice.page.reload();
    await alice.page.getByRole('region', { name: `Chat with ${bob.username}` }).waitFor();
    await expect
      .poll(() => alice.page.locator('[data-message-id] .bubble__text').allTextContents())
      .toEqual(['stored on the device', 'and the reply too']);
    expect(await alice.page.getByRole('heading', { name: 'Chats' }).count()).toBe(1);

    // The service worker controls the page once it has installed and precached the shell.
    await alice.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) =>
          navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }),
        );
      }
    });

    await alice.context.setOffline(true);
    await alice.page.goto('/');
    await alice.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 30_000 });
    const row = chatRow(alice.page, bob.username);
    await expect.poll(() => row.textContent()).toContain('and the reply too');
    await expect
      .poll(() => alice.page.getByTestId('connection-banner').textContent(), { timeout: 30_000 })
      .toMatch(/Can't reach the Parley server/);
    await openChat(alice, bob.username);
    await expect
      .poll(() => alice.page.locator('[data-message-id] .bubble__text').allTextContents())
      .toEqual(['stored on the device', 'and the reply too']);

    await alice.context.close();
    await bob.context.close();
  });
});
