/**
 * Rich messages between two people in real Chromium against the real relay: a reply with its
 * quote, reactions, an edit (with its history) and a delete for everyone show the same on both
 * sides; the action menu works from the keyboard; axe passes in both themes with the menu and the
 * dialogs open. Screenshots of both themes go to test-results/.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import { meetInChat, screenshot, type User } from './harness/user.js';

/** The bubble row whose own text (not a quote of it) is `text`. */
function bubble(page: Page, text: string): Locator {
  return page
    .locator('[data-message-id]')
    .filter({ has: page.locator('.bubble__text').getByText(text, { exact: true }) });
}

/** Opens the action menu of the message with `text` (hover, then its "⋯" button). */
async function openActions(page: Page, text: string): Promise<Locator> {
  const row = bubble(page, text);
  await row.hover();
  await row.getByRole('button', { name: 'Message actions' }).click();
  const menu = page.getByRole('menu', { name: 'Message actions' });
  await menu.waitFor();
  return menu;
}

function reactionChip(row: Locator, emoji: string): Locator {
  return row.getByTestId('reactions').getByRole('button', { name: new RegExp(`^${emoji} `) });
}

async function sendInComposer(user: User, peer: string, text: string): Promise<void> {
  const composer = user.page.getByLabel(`Message to ${peer}`);
  await composer.fill(text);
  await composer.press('Enter');
}

describe('rich messages in the browser', () => {
  const stack = useStack();

  it('reply, react, edit and delete for everyone show the same on both sides', async () => {
    const original = 'Lunch at noon?';
    const { alice, bob } = await meetInChat(stack, original);
    await bob.page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => bubble(bob.page, original).count(), { timeout: 30_000 }).toBe(1);

    // Bob replies from the menu: a preview above the composer, then the quote in both timelines.
    await (await openActions(bob.page, original)).getByRole('menuitem', { name: 'Reply' }).click();
    await expect
      .poll(() => bob.page.getByTestId('composer-banner').textContent())
      .toContain(original);
    await screenshot(bob.page, 'rich-reply-preview-dark');
    await sendInComposer(bob, alice.username, 'Yes, see you there');
    for (const page of [alice.page, bob.page]) {
      const reply = bubble(page, 'Yes, see you there');
      await expect.poll(() => reply.count(), { timeout: 30_000 }).toBe(1);
      await expect
        .poll(() => reply.getByRole('button', { name: /Jump to the original/ }).textContent())
        .toContain(original);
    }

    // Reactions: Bob from the quick bar, Alice by tapping Bob's chip; both see 👍 2.
    const bobMenu = await openActions(bob.page, original);
    expect(await seriousViolations(bob.page)).toEqual([]);
    await screenshot(bob.page, 'rich-menu-dark');
    await bobMenu.getByRole('menuitemcheckbox', { name: 'React with 👍' }).click();
    await expect
      .poll(() => reactionChip(bubble(alice.page, original), '👍').count(), { timeout: 30_000 })
      .toBe(1);
    await reactionChip(bubble(alice.page, original), '👍').click();
    for (const page of [alice.page, bob.page])
      await expect
        .poll(() => reactionChip(bubble(page, original), '👍').getAttribute('aria-label'), {
          timeout: 30_000,
        })
        .toMatch(/^👍 2: /);

    // Keyboard: Tab reaches the menu button, arrows move, Escape closes and returns focus.
    const reply = bubble(alice.page, 'Yes, see you there');
    await reply.getByRole('button', { name: 'Message actions' }).focus();
    await alice.page.keyboard.press('Enter');
    const menu = alice.page.getByRole('menu', { name: 'Message actions' });
    await menu.waitFor();
    await alice.page.keyboard.press('ArrowDown');
    await expect
      .poll(() => alice.page.evaluate(() => document.activeElement?.textContent))
      .toBe('Reply');
    await alice.page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await expect
      .poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Message actions');

    // Alice edits her message: "edited" on both sides, Bob's quote follows, history in Info.
    await (await openActions(alice.page, original)).getByRole('menuitem', { name: 'Edit' }).click();
    const composer = alice.page.getByLabel(`Message to ${bob.username}`);
    await expect.poll(() => composer.inputValue()).toBe(original);
    await screenshot(alice.page, 'rich-edit-mode-light');
    await composer.fill('Lunch at one?');
    await composer.press('Enter');
    for (const page of [alice.page, bob.page]) {
      const edited = bubble(page, 'Lunch at one?');
      await expect.poll(() => edited.count(), { timeout: 30_000 }).toBe(1);
      expect(await edited.getAttribute('aria-label')).toContain('edited');
      expect(await bubble(page, original).count()).toBe(0);
    }
    await expect
      .poll(() =>
        bubble(bob.page, 'Yes, see you there')
          .getByRole('button', { name: /Jump to the original/ })
          .textContent(),
      )
      .toContain('Lunch at one?');
    await (
      await openActions(bob.page, 'Lunch at one?')
    )
      .getByRole('menuitem', { name: 'Info' })
      .click();
    const history = bob.page.getByTestId('edit-history');
    await expect.poll(() => history.textContent()).toContain(original);
    expect(await history.textContent()).toContain('Lunch at one?');
    expect(await seriousViolations(bob.page)).toEqual([]);
    await screenshot(bob.page, 'rich-edit-history-dark');
    await bob.page.getByRole('button', { name: 'Close' }).click();

    // The quote jumps to the original.
    await bubble(bob.page, 'Yes, see you there')
      .getByRole('button', { name: /Jump to the original/ })
      .click();
    await expect
      .poll(() => bubble(bob.page, 'Lunch at one?').getAttribute('data-found'))
      .toBe('true');
    await screenshot(alice.page, 'rich-conversation-light');
    await screenshot(bob.page, 'rich-conversation-dark');
    expect(await seriousViolations(alice.page)).toEqual([]);

    // Bob cannot edit or delete Alice's message for everyone: his menu offers neither.
    const bobOnAlice = await openActions(bob.page, 'Lunch at one?');
    expect(await bobOnAlice.getByRole('menuitem', { name: 'Edit' }).count()).toBe(0);
    await bobOnAlice.getByRole('menuitem', { name: 'Delete…' }).click();
    expect(await bob.page.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0);
    await bob.page.getByRole('button', { name: 'Cancel' }).click();

    // Alice deletes for everyone: a tombstone on both sides, the quote says so.
    await (
      await openActions(alice.page, 'Lunch at one?')
    )
      .getByRole('menuitem', { name: 'Delete…' })
      .click();
    expect(await seriousViolations(alice.page)).toEqual([]);
    await screenshot(alice.page, 'rich-delete-dialog-light');
    await alice.page.getByRole('button', { name: 'Delete for everyone' }).click();
    await expect
      .poll(() => alice.page.getByTestId('tombstone').textContent(), { timeout: 30_000 })
      .toBe('You deleted this message');
    await expect
      .poll(() => bob.page.getByTestId('tombstone').textContent(), { timeout: 30_000 })
      .toBe('This message was deleted');
    for (const page of [alice.page, bob.page]) {
      expect(await page.getByText('Lunch at one?', { exact: true }).count()).toBe(0);
      await expect
        .poll(() =>
          bubble(page, 'Yes, see you there')
            .getByRole('button', { name: /Jump to the original/ })
            .textContent(),
        )
        .toContain('This message was deleted');
      expect(await page.getByTestId('reactions').count()).toBe(0);
    }
    // Bob deletes his reply for himself only: gone on his side, still on Alice's.
    await (
      await openActions(bob.page, 'Yes, see you there')
    )
      .getByRole('menuitem', { name: 'Delete…' })
      .click();
    expect(await seriousViolations(bob.page)).toEqual([]);
    await screenshot(bob.page, 'rich-delete-dialog-dark');
    await bob.page.getByRole('button', { name: 'Delete for me' }).click();
    await expect.poll(() => bubble(bob.page, 'Yes, see you there').count()).toBe(0);
    expect(await bubble(alice.page, 'Yes, see you there').count()).toBe(1);
    await screenshot(alice.page, 'rich-deleted-light');
    await screenshot(bob.page, 'rich-deleted-dark');
    expect(await seriousViolations(bob.page)).toEqual([]);
  });
});
