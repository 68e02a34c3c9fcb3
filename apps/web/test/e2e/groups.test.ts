/**
 * Three people make a group in real Chromium against the real relay and core (browser Signal
 * engine): they chat, the sender sees who has read (per member), an admin removes a member, who
 * then sees that they were removed and none of the later messages. Screenshots of the group chat
 * and the group info are written to test-results/ to look at.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  chatRow,
  joinGroup,
  openUser,
  screenshot,
  signUp,
  type User,
} from './harness/user.js';

const TITLE = 'Weekend trip';

function groupRegion(page: Page) {
  return page.getByRole('region', { name: `Group ${TITLE}` });
}

async function sendInGroup(user: User, text: string): Promise<void> {
  const composer = user.page.getByLabel(`Message to ${TITLE}`);
  await composer.fill(text);
  await composer.press('Enter');
}

async function openGroup(user: User): Promise<void> {
  await expect.poll(() => chatRow(user.page, TITLE).count(), { timeout: 30_000 }).toBe(1);
  await chatRow(user.page, TITLE).click();
  await groupRegion(user.page).waitFor();
}

describe('group chats in the browser', () => {
  const stack = useStack();

  it('three users chat in a group, see per-member read state, and a removed member sees no later message', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    const carol = await openUser(stack, 'carol');
    for (const user of [alice, bob, carol]) await signUp(user);

    await alice.page.getByRole('button', { name: 'New group' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill(TITLE);
    // No members yet: the dialog says so and names the members field's problem.
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Add at least one member' }).waitFor();
    await screenshot(alice.page, 'new-group-dialog-error');
    expect(await seriousViolations(alice.page)).toEqual([]);
    await dialog.getByLabel("Members' usernames").fill(`${bob.username}, ${carol.username}`);
    await expect.poll(() => dialog.getByRole('alert').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await groupRegion(alice.page).waitFor({ timeout: 60_000 });
    await expect.poll(() => alice.page.getByTestId('member-count').textContent()).toBe('3 members');

    await sendInGroup(alice, 'Who is in for Saturday?');
    const question = bubble(alice.page, 'Who is in for Saturday?');
    await expect
      .poll(() => question.getAttribute('data-status'), { timeout: 30_000 })
      .toMatch(/sent|delivered/);

    // Alice is a stranger to Bob and Carol: her group is an invitation until they join, and
    // what they read meanwhile stays theirs. Bob joins and reads first: Alice sees his read
    // receipt, but her tick waits for Carol.
    await openGroup(bob);
    await bubble(bob.page, 'Who is in for Saturday?').waitFor();
    await screenshot(bob.page, 'group-invitation');
    expect(await seriousViolations(bob.page)).toEqual([]);
    await joinGroup(bob, alice.username, TITLE);
    await expect
      .poll(() => alice.page.getByTestId('group-read-state').textContent(), { timeout: 30_000 })
      .toBe(`Your last message: read by ${bob.username}`);
    expect(await question.getAttribute('data-status')).not.toBe('read');
    await openGroup(carol);
    await joinGroup(carol, alice.username, TITLE);
    await expect
      .poll(() => alice.page.getByTestId('group-read-state').textContent(), { timeout: 30_000 })
      .toBe('Your last message: read by everyone');
    await expect.poll(() => question.getAttribute('data-status'), { timeout: 30_000 }).toBe('read');

    await sendInGroup(bob, 'Me! I will bring the tent.');
    await sendInGroup(carol, 'Count me in too');
    for (const text of ['Me! I will bring the tent.', 'Count me in too'])
      await expect.poll(() => bubble(alice.page, text).count(), { timeout: 30_000 }).toBe(1);
    // Incoming bubbles carry their sender's name.
    await expect
      .poll(() => bubble(alice.page, 'Me! I will bring the tent.').textContent())
      .toContain(bob.username);
    await screenshot(alice.page, 'group-chat');

    // Alice (admin) removes Carol in the group info.
    await alice.page.getByRole('button', { name: `Group info for ${TITLE}` }).click();
    const info = alice.page.getByRole('dialog', { name: TITLE });
    await expect
      .poll(() => info.getByRole('list', { name: 'Members' }).getByRole('listitem').count())
      .toBe(3);
    await screenshot(alice.page, 'group-info');
    await info.getByRole('button', { name: `Remove ${carol.username}` }).click();
    await expect
      .poll(() => info.getByRole('list', { name: 'Members' }).getByRole('listitem').count(), {
        timeout: 30_000,
      })
      .toBe(2);
    await info.getByRole('button', { name: 'Close' }).click();

    await expect
      .poll(() => groupRegion(carol.page).getByRole('status').allTextContents(), {
        timeout: 30_000,
      })
      .toContain('You were removed from this group. You can no longer send or receive messages.');
    await expect
      .poll(() => bubble(carol.page, `${alice.username} removed you`).count(), { timeout: 30_000 })
      .toBe(1);

    await sendInGroup(alice, 'Carol is not coming after all');
    await expect
      .poll(() => bubble(bob.page, 'Carol is not coming after all').count(), { timeout: 30_000 })
      .toBe(1);
    await expect.poll(() => bob.page.getByTestId('member-count').textContent()).toBe('2 members');
    expect(await bubble(carol.page, 'Carol is not coming after all').count()).toBe(0);
  });
});
