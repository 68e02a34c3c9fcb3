/**
 * A screen-reader and keyboard user's view of chats (issue 13, accessibility): each message is an
 * article named by sender, time and status; the chat list is entered with one Tab and walked with
 * the arrow keys; a new message is announced as sender and a short excerpt; right-to-left text
 * reads right to left; axe finds nothing serious.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  acceptRequest,
  bubble,
  meetInChat,
  openChat,
  openUser,
  send,
  signUp,
  startChat,
  waitForChat,
} from './harness/user.js';

/** What has keyboard focus: the chat link's conversation, or the element's description. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return 'nothing';
    if (element.dataset.conversationId) return `chat:${element.getAttribute('aria-label')}`;
    return `${element.tagName.toLowerCase()}[${element.getAttribute('aria-label') ?? ''}]`;
  });
}

describe('message accessibility', () => {
  const stack = useStack();

  it('names each message, walks the chat list with arrows, announces excerpts, reads RTL right to left', async () => {
    const { alice, bob } = await meetInChat(stack, 'hello bob');
    const carol = await openUser(stack, 'carol');
    await signUp(carol);
    await startChat(carol, alice.username);
    await send(carol, alice.username, 'hi from carol');
    await waitForChat(alice, carol.username);

    // Bob hears who wrote the message and when; Alice hears her own message's status.
    const incoming = bob.page.getByRole('article', {
      name: new RegExp(`^${alice.username}, .+\\d{2}:\\d{2}`),
    });
    await expect.poll(() => incoming.count()).toBe(1);
    expect(await incoming.textContent()).toContain('hello bob');
    await expect
      .poll(() => alice.page.getByRole('article', { name: /^You, .+, Read$/ }).count(), {
        timeout: 30_000,
      })
      .toBe(1);

    // Carol was a stranger: her chat joins Alice's chats (the list walked below) once accepted.
    await openChat(alice, carol.username);
    await acceptRequest(alice, carol.username);
    await openChat(alice, bob.username);

    // Alice has sent a message, so Parley offers notifications above the list; she declines.
    await alice.page
      .getByRole('region', { name: 'Turn on notifications' })
      .getByRole('button', { name: 'Not now' })
      .click();

    // The chat list: one Tab stop (not its scroller), arrows move between the chats.
    await alice.page.getByRole('searchbox').first().focus();
    await alice.page.keyboard.press('Tab');
    expect(await focused(alice.page)).toMatch(/^chat:/);
    await alice.page.keyboard.press('Home');
    const first = await focused(alice.page);
    expect(first).toMatch(/^chat:/);
    await alice.page.keyboard.press('ArrowDown');
    const second = await focused(alice.page);
    expect(second).toMatch(/^chat:/);
    expect(second).not.toBe(first);
    await alice.page.keyboard.press('ArrowUp');
    expect(await focused(alice.page)).toBe(first);
    await alice.page.keyboard.press('End');
    expect(await focused(alice.page)).toBe(second);
    await alice.page.keyboard.press('Tab');
    expect(await focused(alice.page)).not.toMatch(/^chat:/);
    const tabbableChats = await alice.page.locator('[data-conversation-id][tabindex="0"]').count();
    expect(tabbableChats).toBe(1);
    expect(await alice.page.locator('[data-virtuoso-scroller][tabindex="0"]').count()).toBe(1); // messages

    // A 10,000-character message is announced as its sender and a short excerpt.
    const long = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(176)}END`;
    await send(alice, bob.username, long);
    // The announcer, not the typing line (also a polite live region naming Alice while she types).
    const live = bob.page
      .locator('.visually-hidden[aria-live="polite"]')
      .filter({ hasText: alice.username });
    await expect.poll(() => live.textContent()).toMatch(new RegExp(`^${alice.username}: Lorem`));
    expect(((await live.textContent()) ?? '').length).toBeLessThanOrEqual(200);

    // Right-to-left text is laid out right to left.
    const hebrew = 'שלום, מה שלומך?';
    await send(alice, bob.username, hebrew);
    const rtl = bubble(bob.page, hebrew).locator('.bubble__text');
    await expect.poll(() => rtl.count()).toBe(1);
    expect(await rtl.getAttribute('dir')).toBe('auto');
    expect(await rtl.evaluate((element) => getComputedStyle(element).direction)).toBe('rtl');

    expect(await seriousViolations(bob.page)).toEqual([]);
    expect(await seriousViolations(alice.page)).toEqual([]);

    for (const user of [alice, bob, carol]) await user.context.close();
  });
});
