import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { MUTED_FOREVER } from '../../src/index.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

const view = (messenger: Messenger, conversationId: string) =>
  messenger
    .conversations()
    .getSnapshot()
    .find((c) => c.id === conversationId);

/**
 * The account document between two real devices of one account, through the real relay: each
 * sync message is a Content in a Signal envelope to the account's own devices.
 */
describe('the account document across the devices of one account', () => {
  const fx = useRelay();

  async function twoDevicesAndAStranger() {
    const phone = await fx.messenger();
    const bob = await fx.messenger();
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await phone.register(aliceName);
    await bob.register(bobName);
    const laptop = await fx.messenger();
    await linkDevice(phone, laptop);
    // Bob writes first: on Alice's devices the chat is a message request.
    const conversation = await bob.openDirectConversation(aliceName);
    const hello = fx.text('hello from bob');
    await bob.sendText(conversation, hello);
    for (const device of [phone, laptop])
      await waitFor(() => texts(device, conversation).includes(hello), 'bob reaches alice');
    return { phone, laptop, bob, bobName, conversation };
  }

  it('pin on one device and mute on the other at once, rename and accept: all hold on both', async () => {
    const { phone, laptop, bob, conversation } = await twoDevicesAndAStranger();
    const bobId = bob.self.getSnapshot()!.accountId;
    expect(view(laptop, conversation)?.request).toBe(true);

    await Promise.all([
      phone.updateAccountSettings({ kind: 'set-chat', conversationId: conversation, pinned: true }),
      laptop.updateAccountSettings({
        kind: 'set-chat',
        conversationId: conversation,
        mutedUntil: MUTED_FOREVER,
      }),
    ]);
    await phone.updateAccountSettings({ kind: 'rename-contact', accountId: bobId, name: 'Bobby' });
    await phone.acceptMessageRequest(conversation);

    for (const device of [phone, laptop]) {
      await waitFor(() => {
        const chat = device.accountSettings.getSnapshot().chats[conversation];
        return chat?.pinned && chat.mutedUntil === MUTED_FOREVER;
      }, 'pin and mute both hold');
      await waitFor(() => view(device, conversation)?.title === 'Bobby', 'the given name');
      // Accepted on the phone: no longer a request on the laptop either.
      await waitFor(() => view(device, conversation)?.request === undefined, 'accepted');
    }
    expect(view(laptop, conversation)?.peerUsername).not.toBe('Bobby');
  });

  it("blocking on one device drops the blocked account's messages on both", async () => {
    const { phone, laptop, bob, conversation } = await twoDevicesAndAStranger();
    const bobId = bob.self.getSnapshot()!.accountId;
    await laptop.updateAccountSettings({ kind: 'block', accountId: bobId });
    await waitFor(
      () => phone.accountSettings.getSnapshot().blocked.includes(bobId),
      'the block reaches the phone',
    );
    const blocked = fx.text('after the block');
    await bob.sendText(conversation, blocked);
    // A message sent after it, by someone not blocked, proves the devices processed the mailbox.
    const carol = await fx.messenger();
    await carol.register(uniqueUsername('carol'));
    const aliceName = phone.self.getSnapshot()!.username;
    const carolChat = await carol.openDirectConversation(aliceName);
    await bob.sent();
    const later = fx.text('from carol, later');
    await carol.sendText(carolChat, later);
    for (const device of [phone, laptop]) {
      await waitFor(() => texts(device, carolChat).includes(later), 'carol arrives');
      await device.settled();
      expect(texts(device, conversation)).not.toContain(blocked);
    }
  });
});
