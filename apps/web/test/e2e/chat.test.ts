/**
 * Two new people sign up, find each other by username and chat both ways, in real Chromium against
 * the real relay and the real client core with the browser Signal engine. The recipient's device
 * is closed while the first message goes out, so each tick state is observed for certain: sent
 * (the relay has it), delivered (the recipient's device has it), read (the recipient opened it).
 * Both then compare their safety numbers on the settings page.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness/use-stack.js';
import {
  acceptRequest,
  bubble,
  chatRow,
  openChat,
  openUser,
  reopen,
  send,
  signUp,
  startChat,
} from './harness/user.js';

describe('chatting in the browser', () => {
  const stack = useStack();

  it('two new users find each other, exchange messages both ways, and ticks go sent -> delivered -> read', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await signUp(alice);
    await signUp(bob);

    // A third person trying a taken name is told so in words.
    const mallory = await openUser(stack, 'mallory');
    await mallory.page.getByLabel('Username').fill(alice.username);
    await mallory.page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => mallory.page.getByRole('alert').textContent()).toMatch(/already taken/);
    await mallory.context.close();

    // Looking up someone who does not exist says so in words.
    await alice.page.getByRole('button', { name: 'New chat' }).first().click();
    await alice.page.getByLabel('Their username').fill('nobody_here_123');
    await alice.page.getByRole('button', { name: 'Start chat' }).click();
    await expect
      .poll(() => alice.page.getByRole('dialog').getByRole('alert').textContent())
      .toMatch(/No one uses that username/);
    await alice.page.keyboard.press('Escape');

    await startChat(alice, bob.username);
    await bob.page.close();

    await send(alice, bob.username, 'Hi Bob, it is Alice!');
    const first = bubble(alice.page, 'Hi Bob, it is Alice!');
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 30_000 }).toBe('sent');

    // Bob's device comes back: it receives the message (delivered) but has not opened the chat.
    await reopen(bob);
    await expect
      .poll(() => first.getAttribute('data-status'), { timeout: 30_000 })
      .toBe('delivered');
    // Alice is a stranger to Bob: her chat waits under "Message requests", without a badge.
    const aliceRow = chatRow(bob.page, alice.username);
    await expect.poll(() => aliceRow.textContent()).toContain('Hi Bob, it is Alice!');
    expect(await aliceRow.getByTestId('unread-count').count()).toBe(0);

    await openChat(bob, alice.username);
    await acceptRequest(bob, alice.username);
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 30_000 }).toBe('read');
    expect(await bubble(bob.page, 'Hi Bob, it is Alice!').count()).toBe(1);

    // Bob types: Alice, who has the chat open, sees the typing indicator; then Bob's reply arrives.
    const composer = bob.page.getByLabel(`Message to ${alice.username}`);
    await composer.pressSequentially('Hello Alice', { delay: 20 });
    await expect
      .poll(() => alice.page.getByTestId('typing-indicator').textContent(), { timeout: 15_000 })
      .toContain('typing');
    await composer.press('Enter');
    await expect.poll(() => bubble(alice.page, 'Hello Alice').count(), { timeout: 30_000 }).toBe(1);
    await expect
      .poll(() => alice.page.getByTestId('typing-indicator').textContent(), { timeout: 15_000 })
      .not.toContain('typing');
    // Alice has the chat open, so Bob's reply is read at once.
    await expect
      .poll(() => bubble(bob.page, 'Hello Alice').getAttribute('data-status'), { timeout: 30_000 })
      .toBe('read');

    // Shift+Enter makes a new line instead of sending.
    const aliceComposer = alice.page.getByLabel(`Message to ${bob.username}`);
    await aliceComposer.fill('line one');
    await aliceComposer.press('Shift+Enter');
    await aliceComposer.pressSequentially('line two');
    await aliceComposer.press('Enter');
    await expect
      .poll(() => bob.page.locator('.bubble__text').last().textContent(), { timeout: 30_000 })
      .toBe('line one\nline two');

    // An unsent draft stays with its chat while the person goes elsewhere.
    await aliceComposer.fill('an unsent draft');

    // Both see the same 60-digit safety number for their chat (computed by each side's engine
    // from both identity keys), and can mark each other as verified.
    const safetyNumbers: string[] = [];
    for (const [me, peer] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      await me.page.getByRole('link', { name: `Settings and profile of ${me.username}` }).click();
      const card = me.page.getByRole('article', { name: `Safety number with ${peer.username}` });
      const digits = card.getByTestId('safety-number');
      await digits.waitFor({ timeout: 30_000 });
      safetyNumbers.push((await digits.textContent())!);
      await card.getByRole('button', { name: 'Mark as verified' }).click();
      await card.getByText('Verified').waitFor();
    }
    expect(safetyNumbers[0]).toMatch(/^\d{60}$/);
    expect(safetyNumbers[1]).toBe(safetyNumbers[0]);

    await openChat(alice, bob.username);
    expect(await aliceComposer.inputValue()).toBe('an unsent draft');

    await alice.context.close();
    await bob.context.close();
  });
});
