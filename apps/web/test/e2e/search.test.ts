/**
 * Search in the browser: real Chromium, the real relay, the real core with its index in a Web
 * Worker persisted in IndexedDB. Bob finds a word Alice typed, without its accent and by its
 * beginning; opening the result shows the message highlighted in its place in the timeline; after
 * a reload the persisted index answers.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { savedIndexInfo } from './harness/saved-index.js';
import { useStack } from './harness/use-stack.js';
import { meetInChat, screenshot, send, bubble } from './harness/user.js';

const TARGET = "Rendez-vous au Café près de l'arbre, 15 h ?";
/** Messages after the target, so that the target is scrolled out of view when the chat opens. */
const LATER_MESSAGES = 24;

function marks(page: Page): Promise<string[]> {
  return page.locator('#search-results mark').allTextContents();
}

describe('search in the browser', () => {
  const stack = useStack();

  it('finds a word typed in another chat without accents, by prefix, and opens it in place', async () => {
    const { alice, bob } = await meetInChat(stack, 'Salut Bob !');
    await send(alice, bob.username, TARGET);
    for (let n = 1; n <= LATER_MESSAGES; n++) await send(alice, bob.username, `later message ${n}`);
    await bubble(bob.page, `later message ${LATER_MESSAGES}`).waitFor({ timeout: 30_000 });
    // Bob closes the chat (on this wide window the list stays beside it; Escape-like: go home).
    await bob.page.evaluate(() => (location.hash = '#/'));
    await bob.page.getByRole('region', { name: `Chat with ${alice.username}` }).waitFor({
      state: 'detached',
    });

    const field = bob.page.getByRole('searchbox', { name: 'Search messages and chats' });
    await field.fill('cafe arb');
    const result = bob.page.locator('a.search-result', { hasText: 'Rendez-vous' });
    await result.waitFor();
    expect(await marks(bob.page)).toEqual(['Café', 'arbre']);
    await expect
      .poll(() => bob.page.getByRole('region', { name: `1 in ${alice.username}` }).count())
      .toBe(1);

    // Prefixes as one types, and the elided word: "l'arbre" is found as "arbre".
    await field.fill('rendez');
    await result.waitFor();
    await field.fill('ARBRE');
    await result.waitFor();
    const messageId = await result.getAttribute('data-message-id');
    await screenshot(bob.page, 'search-results');

    // The keyboard reaches the result from the field; Enter opens it.
    await field.press('ArrowDown');
    await expect.poll(() => result.evaluate((el) => el === document.activeElement)).toBe(true);
    await bob.page.keyboard.press('Enter');
    const found = bob.page.locator(`[data-message-id="${messageId}"][data-found]`);
    await found.waitFor();
    await expect.poll(() => found.isVisible()).toBe(true);
    const inView = await found.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    });
    expect(inView).toBe(true);
    // The newest message is not on screen: the timeline scrolled back to the found one.
    expect(await bubble(bob.page, `later message ${LATER_MESSAGES}`).isVisible()).toBe(false);
    await screenshot(bob.page, 'search-opened');

    // Search inside the open chat.
    await bob.page.getByRole('button', { name: 'Search this chat' }).click();
    await bob.page
      .getByLabel(`Search in the chat with ${alice.username}`, { exact: true })
      .fill('later message');
    await expect
      .poll(() => bob.page.locator('.chat-search__count').textContent())
      .toBe(`1 of ${LATER_MESSAGES}`);
    await screenshot(bob.page, 'search-in-chat');

    // After a reload the persisted index answers.
    // The worker writes the index a while after changes: wait for it (an event seen by polling).
    await expect
      .poll(async () => (await bob.page.evaluate(savedIndexInfo, messageId!)).holds, {
        timeout: 30_000,
      })
      .toBe(true);
    await bob.page.reload();
    // The worker loaded the saved index: it re-indexed nothing (core's search-ready mark).
    const ready = await bob.page.waitForFunction(
      () =>
        (performance.getEntriesByName('parley:search-ready')[0] as PerformanceMark | undefined)
          ?.detail,
    );
    const restoredFrom = (await ready.jsonValue()) as { restored: number; added: number };
    expect(restoredFrom.restored).toBeGreaterThanOrEqual(LATER_MESSAGES + 2);
    expect(restoredFrom.added).toBe(0);
    await bob.page.getByRole('searchbox', { name: 'Search messages and chats' }).fill('café');
    await bob.page.locator('a.search-result', { hasText: 'Rendez-vous' }).waitFor();
    expect(await marks(bob.page)).toEqual(['Café']);

    // A file is found by its name, without its accents, and marked as a file.
    await alice.page.getByTestId('attach-input').setInputFiles([
      {
        name: 'Quarterly-Résumé_2026.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.7 quarterly figures'),
      },
    ]);
    // Alice's chat list names the file she sent (it has no text).
    await alice.page
      .locator('.chat-item__preview-text', { hasText: 'You: Quarterly-Résumé_2026.pdf' })
      .waitFor({ timeout: 60_000 });
    await screenshot(alice.page, 'chat-list-file-preview');
    // Results answer the query as typed; Bob searches once the file has arrived.
    await bob.page
      .getByRole('button', { name: 'Download Quarterly-Résumé_2026.pdf (26 B)' })
      .waitFor({ timeout: 60_000 });
    await bob.page.getByRole('searchbox', { name: 'Search messages and chats' }).fill('resume');
    const file = bob.page.locator('a.search-result', { hasText: 'Quarterly-Résumé_2026.pdf' });
    await file.waitFor();
    expect(await file.locator('.search-result__file-icon').count()).toBe(1);
    expect(await marks(bob.page)).toEqual(['Résumé']);
    await screenshot(bob.page, 'search-file-name');
  });
});
