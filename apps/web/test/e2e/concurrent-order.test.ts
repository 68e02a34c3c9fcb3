/**
 * Both people write while the relay is down, taking turns: when it is back, both devices show the
 * messages in the order they were written (the senders' clocks), not one person's run before the
 * other's, and each chat list's preview is the conversation's last bubble (issue 13, items 3, 4).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useStack } from './harness/use-stack.js';
import { bubble, chatRow, meetInChat, send } from './harness/user.js';

const bubbleTexts = (page: Page) =>
  page.locator('[data-message-id] .bubble__text').allTextContents();

/** The chat list's preview of the chat with `peer`, without the "You: " of outgoing messages. */
async function previewText(page: Page, peer: string): Promise<string> {
  const text = await chatRow(page, peer).locator('.chat-item__preview-text').textContent();
  return (text ?? '').replace(/^You: /, '');
}

describe('concurrent offline messages', () => {
  const stack = useStack();

  it('are shown in the order they were written on both devices, and the previews agree', async () => {
    const { alice, bob } = await meetInChat(stack, 'before the outage');
    await expect.poll(() => bubble(bob.page, 'before the outage').count()).toBe(1);

    await stack.stopRelay();
    for (const { page } of [alice, bob]) {
      await expect
        .poll(() => page.getByTestId('connection-banner').count(), { timeout: 30_000 })
        .toBe(1);
    }
    // Taking turns, so neither person's run may come first as a block (Yjs merges runs whole).
    const turns = [
      [alice, bob.username, 'alice offline 1'],
      [bob, alice.username, 'bob offline 1'],
      [alice, bob.username, 'alice offline 2'],
      [bob, alice.username, 'bob offline 2'],
    ] as const;
    for (const [user, peer, text] of turns) {
      await send(user, peer, text);
      await expect.poll(() => bubble(user.page, text).getAttribute('data-status')).toBe('pending');
    }

    await stack.startRelay();
    const expected = ['before the outage', ...turns.map(([, , text]) => text)];
    for (const { page } of [alice, bob]) {
      await expect.poll(() => bubbleTexts(page), { timeout: 60_000 }).toEqual(expected);
    }
    expect(await previewText(alice.page, bob.username)).toBe('bob offline 2');
    expect(await previewText(bob.page, alice.username)).toBe('bob offline 2');

    await alice.context.close();
    await bob.context.close();
  });
});
