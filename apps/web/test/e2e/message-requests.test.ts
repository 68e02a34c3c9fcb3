/**
 * A stranger's first message is a message request: listed apart from the chats, without an
 * unread badge, opened with Accept / Delete / Block, and read without telling the stranger until
 * accepted. Blocking drops what the blocked account sends next before it reaches the screen.
 *
 * "Dropped" is proven without waiting a while: a later message from someone else to the same
 * person arrives after the earlier one (one ordered mailbox per device). That no read receipt goes
 * before Accept is proven with such a barrier in core's tests (test/requests/); here Carol's tick
 * turns "read" once Alice accepts, from the receipt held back until then.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import {
  acceptRequest,
  bubble,
  chatRow,
  openChat,
  openUser,
  screenshot,
  send,
  signUp,
  startChat,
  type User,
} from './harness/user.js';

const requests = (page: Page) => page.getByRole('region', { name: 'Message requests' });
const chats = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
const tick = (user: User, text: string) => bubble(user.page, text).getAttribute('data-status');

describe('message requests', () => {
  const stack = useStack();

  it('lands a stranger in requests; no read receipt before Accept; Block drops what follows', async () => {
    const alice = await openUser(stack, 'alice');
    const carol = await openUser(stack, 'carol');
    const dave = await openUser(stack, 'dave');
    const erin = await openUser(stack, 'erin');
    for (const user of [alice, carol, dave, erin]) await signUp(user);
    // Alice writes to Erin herself: a chat she started is a chat, not a request.
    await startChat(alice, erin.username);
    await send(alice, erin.username, 'hi Erin');

    await startChat(carol, alice.username);
    await send(carol, alice.username, 'Hello, we met at the conference');
    await expect
      .poll(() => requests(alice.page).getByRole('link').count(), { timeout: 30_000 })
      .toBe(1);
    expect(await chatRow(alice.page, carol.username).getAttribute('aria-label')).toContain(
      'message request',
    );
    expect(
      await chats(alice.page)
        .getByRole('link', { name: new RegExp(`^${carol.username}`) })
        .count(),
    ).toBe(0);
    expect(await alice.page.getByTestId('unread-count').count()).toBe(0);
    await screenshot(alice.page, 'message-requests-list');

    // Alice opens the request and reads it: Carol is not told.
    await openChat(alice, carol.username);
    await bubble(alice.page, 'Hello, we met at the conference').waitFor();
    await screenshot(alice.page, 'message-request-open');
    expect(await seriousViolations(alice.page)).toEqual([]);
    await expect
      .poll(() => tick(carol, 'Hello, we met at the conference'), { timeout: 30_000 })
      .toBe('delivered');

    // Accept: the chat joins the chats, the held-back read receipt reaches Carol.
    await acceptRequest(alice, carol.username);
    await expect
      .poll(() => tick(carol, 'Hello, we met at the conference'), { timeout: 30_000 })
      .toBe('read');
    await expect.poll(() => requests(alice.page).count()).toBe(0);
    await chats(alice.page)
      .getByRole('link', { name: new RegExp(`^${carol.username}`) })
      .waitFor();
    await send(alice, carol.username, 'Nice to hear from you!');
    await expect
      .poll(() => bubble(carol.page, 'Nice to hear from you!').count(), { timeout: 30_000 })
      .toBe(1);

    // Dave, another stranger, is blocked from his request.
    await startChat(dave, alice.username);
    await send(dave, alice.username, 'Buy cheap watches');
    await expect
      .poll(() => chatRow(alice.page, dave.username).count(), { timeout: 30_000 })
      .toBe(1);
    await openChat(alice, dave.username);
    await alice.page
      .getByRole('region', { name: `Message request from ${dave.username}` })
      .getByRole('button', { name: 'Block' })
      .click();
    await expect.poll(() => chatRow(alice.page, dave.username).count()).toBe(0);

    // Dave writes again; once the relay has it, Carol writes: when Alice shows Carol's message,
    // Dave's came before it and was dropped.
    await send(dave, alice.username, 'Last chance!');
    await expect.poll(() => tick(dave, 'Last chance!'), { timeout: 30_000 }).toBe('sent');
    await send(carol, alice.username, 'after the spam');
    await openChat(alice, carol.username);
    await expect
      .poll(() => bubble(alice.page, 'after the spam').count(), { timeout: 30_000 })
      .toBe(1);
    expect(await chatRow(alice.page, dave.username).count()).toBe(0);
    expect(await bubble(alice.page, 'Last chance!').count()).toBe(0);
    // Nothing went back to Dave, not even "delivered".
    expect(await tick(dave, 'Last chance!')).toBe('sent');

    for (const user of [alice, carol, dave, erin]) await user.context.close();
  });
});
