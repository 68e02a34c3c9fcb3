/**
 * Groups beyond the main flow (groups.test.ts), in real Chromium against the real relay:
 * - the New group and Group info dialogs pass axe in both themes;
 * - a group message whose sender key was lost on the way shows a placeholder from its sender,
 *   which the message replaces once the sender's device is back online.
 * Screenshots land in test-results/.
 */
import { EnvelopeType } from '@parley/protocol';
import { decodeServerFrame } from '@parley/protocol/wire';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  chatRow,
  openUser,
  reopen,
  screenshot,
  signUp,
  type User,
} from './harness/user.js';

async function checkScreen(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(async () => {
      await document.fonts.ready;
      for (const animation of document.getAnimations()) {
        if (animation.effect?.getTiming().iterations !== Infinity) animation.finish();
      }
    });
    await screenshot(page, `${name}-${scheme}`);
    expect(await seriousViolations(page), `${name} (${scheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function createGroup(user: User, title: string, members: string[]): Promise<void> {
  await user.page.getByRole('button', { name: 'New group' }).click();
  const dialog = user.page.getByRole('dialog', { name: 'New group' });
  await dialog.getByLabel('Group name').fill(title);
  await dialog.getByLabel("Members' usernames").fill(members.join(', '));
  await dialog.getByRole('button', { name: 'Create group' }).click();
  await user.page.getByRole('region', { name: `Group ${title}` }).waitFor({ timeout: 60_000 });
}

async function sendInGroup(user: User, title: string, text: string): Promise<void> {
  const composer = user.page.getByLabel(`Message to ${title}`);
  await composer.fill(text);
  await composer.press('Enter');
}

describe('group dialogs and placeholders in the browser', () => {
  const stack = useStack();

  it('the New group and Group info dialogs pass axe in both themes', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await signUp(alice);
    await signUp(bob);

    await alice.page.getByRole('button', { name: 'New group' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Book club');
    await dialog.getByLabel("Members' usernames").fill(bob.username);
    await checkScreen(alice.page, 'group-new-dialog');
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await alice.page.getByRole('region', { name: 'Group Book club' }).waitFor({ timeout: 60_000 });

    await alice.page.getByRole('button', { name: 'Group info for Book club' }).click();
    const info = alice.page.getByRole('dialog', { name: 'Book club' });
    await expect
      .poll(() => info.getByRole('list', { name: 'Members' }).getByRole('listitem').count())
      .toBe(2);
    await info.getByLabel('Add members').fill('somebody');
    await checkScreen(alice.page, 'group-info-dialog');
  });

  it('shows a placeholder for a message whose key was lost, replaced once the key arrives', async () => {
    const title = 'Patchy line';
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    // Bob's network loses Alice's next sender key once armed: the 1:1 envelope right before her
    // next group message (other 1:1 envelopes, such as typing, pass). Then it holds what Bob
    // sends (his request for the key) until released.
    let armed = false;
    let holding = false;
    let release = () => {};
    await bob.context.routeWebSocket(/\/v1\/websocket/, (ws) => {
      const server = ws.connectToServer();
      const held: Array<string | Buffer> = [];
      const oneToOne: Buffer[] = [];
      release = () => {
        holding = false;
        for (const message of held.splice(0)) server.send(message);
      };
      ws.onMessage((message) => (holding ? held.push(message) : server.send(message)));
      server.onMessage((message) => {
        if (armed && typeof message !== 'string') {
          const frame = decodeServerFrame(new Uint8Array(message));
          const type = frame.case === 'envelope' ? frame.envelope.type : undefined;
          if (type === EnvelopeType.SIGNAL_MESSAGE || type === EnvelopeType.PREKEY_MESSAGE) {
            oneToOne.push(message);
            return;
          }
          if (type === EnvelopeType.SENDER_KEY_MESSAGE) {
            oneToOne.pop(); // the distribution, never acknowledged: lost
            for (const earlier of oneToOne.splice(0)) ws.send(earlier);
            armed = false;
            holding = true;
          }
        }
        ws.send(message);
      });
    });
    // Playwright routes a page's WebSockets through a script it injects on load: load again.
    await bob.page.reload();
    await signUp(alice);
    await signUp(bob);
    await createGroup(alice, title, [bob.username]);
    await sendInGroup(alice, title, 'First of two');
    await expect.poll(() => chatRow(bob.page, title).count(), { timeout: 30_000 }).toBe(1);
    await chatRow(bob.page, title).click();
    await expect.poll(() => bubble(bob.page, 'First of two').count(), { timeout: 30_000 }).toBe(1);

    // Alice's app restarts (a new sender-key chain) and sends.
    await reopen(alice);
    await chatRow(alice.page, title).click();
    armed = true;
    await sendInGroup(alice, title, 'Second of two');

    const placeholder = bob.page.locator('[data-placeholder]');
    await expect.poll(() => placeholder.count(), { timeout: 30_000 }).toBe(1);
    expect(await placeholder.textContent()).toContain(
      `Waiting for this message. It will appear when ${alice.username}'s device is back online.`,
    );
    expect(await bubble(bob.page, 'Second of two').count()).toBe(0);
    await screenshot(bob.page, 'group-placeholder');

    // Bob's request for the key goes out: the message takes the placeholder's place.
    release();
    await expect.poll(() => bubble(bob.page, 'Second of two').count(), { timeout: 60_000 }).toBe(1);
    expect(await placeholder.count()).toBe(0);
    const order = await bob.page
      .locator('[data-message-id]')
      .evaluateAll((rows) => rows.map((row) => row.textContent ?? ''));
    const first = order.findIndex((t) => t.includes('First of two'));
    const second = order.findIndex((t) => t.includes('Second of two'));
    expect(second).toBe(first + 1);
    await screenshot(bob.page, 'group-placeholder-filled');
  });
});
