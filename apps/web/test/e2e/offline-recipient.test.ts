/**
 * The recipient's page is closed while 20 messages are sent; when it reopens, every message is
 * there, in the order sent, exactly once (the relay's at-least-once delivery must not show twice).
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  chatRow,
  openChat,
  openUser,
  reopen,
  send,
  signUp,
  startChat,
} from './harness/user.js';

const COUNT = 20;
const texts = Array.from(
  { length: COUNT },
  (_, i) => `message ${String(i + 1).padStart(2, '0')} of ${COUNT}`,
);

describe('a recipient that was away', () => {
  const stack = useStack();

  it('gets all 20 messages sent while its page was closed, in order, once', async () => {
    const sender = await openUser(stack, 'sender');
    // Tall enough that the virtualized list renders all 20 bubbles at once.
    const recipient = await openUser(stack, 'recipient', {
      viewport: { width: 900, height: 2400 },
    });
    await signUp(sender);
    await signUp(recipient);
    await startChat(sender, recipient.username);
    await recipient.page.close();

    for (const text of texts) await send(sender, recipient.username, text);
    for (const text of texts) {
      await expect
        .poll(() => bubble(sender.page, text).getAttribute('data-status'), { timeout: 30_000 })
        .toBe('sent');
    }

    await reopen(recipient);
    // The sender is a stranger: the chat waits as a message request, its preview the last text.
    const row = chatRow(recipient.page, sender.username);
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain(texts.at(-1)!);
    await openChat(recipient, sender.username);
    await expect
      .poll(() => recipient.page.locator('[data-message-id] .bubble__text').allTextContents(), {
        timeout: 30_000,
      })
      .toEqual(texts);
    const ids = await recipient.page
      .locator('[data-message-id]')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-message-id')));
    expect(new Set(ids).size).toBe(COUNT);

    await sender.context.close();
    await recipient.context.close();
  });
});
