import { describe, expect, it } from 'vitest';
import type { MessengerEvent } from '../../src/facade/api.js';
import { ParleyError } from '../../src/index.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { linkDevice } from '../support/link.js';

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ParleyError ? error.code : String(error)),
  );

/** The names of the IndexedDB databases that exist (fake-indexeddb in these tests). */
const databases = async () => {
  const { indexedDB } = globalThis as unknown as {
    indexedDB: { databases(): Promise<{ name?: string }[]> };
  };
  return (await indexedDB.databases()).map((d) => d.name);
};

describe('signing out and deleting an account through the real relay', () => {
  const fx = useRelay();

  it('signs one device out: the relay forgets it, its databases go, the other device keeps the account', async () => {
    const phone = await fx.messenger();
    const name = uniqueUsername('alice');
    await phone.register(name);
    const laptopDb = `laptop-${crypto.randomUUID()}`;
    const laptop = await fx.messenger(laptopDb);
    await linkDevice(phone, laptop);
    const events: MessengerEvent[] = [];
    laptop.on((event) => events.push(event));
    expect(await databases()).toContain(laptopDb);

    await laptop.signOut();

    expect(events.filter((e) => e.type !== 'error')).toEqual([
      { type: 'signed-out', reason: 'signed-out' },
    ]);
    expect(await databases()).not.toContain(laptopDb);
    expect(await databases()).not.toContain(`${laptopDb}-search`);
    expect(await code(laptop.sendText('x', 'y'))).toBe('CLOSED');
    // Opened again, the same database is a fresh device, ready to sign up or link.
    const reopened = await fx.messenger(laptopDb);
    expect(reopened.self.getSnapshot()).toBeNull();
    // The phone still has the account; a new contact reaches it alone.
    const bob = await fx.messenger();
    await bob.register(uniqueUsername('bob'));
    const chat = await bob.openDirectConversation(name);
    const hello = fx.text('hello alice');
    await bob.sendText(chat, hello);
    await waitFor(() => texts(phone, chat).includes(hello), 'the phone still receives');
  });

  it('deletes the account: the typed username must match; contacts are told; the name is free', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-${crypto.randomUUID()}`;
    const bob = await fx.messenger(bobDb);
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);
    const chat = await alice.openDirectConversation(bobName);
    const hello = fx.text('hello bob');
    await alice.sendText(chat, hello);
    await waitFor(() => texts(bob, chat).includes(hello), 'bob receives');

    // Carol opened a chat with Bob but never wrote: Bob's device has no chat with her to notify.
    const carol = await fx.messenger();
    await carol.register(uniqueUsername('carol'));
    const carolChat = await carol.openDirectConversation(bobName);

    expect(await code(bob.deleteAccount(aliceName))).toBe('USERNAME_MISMATCH');
    expect(bob.self.getSnapshot()?.username).toBe(bobName);
    await bob.deleteAccount(bobName);
    expect(await databases()).not.toContain(bobDb);

    // Bob's device told Alice before going (its "account deleted" notice): without sending
    // anything, the chat shows the account as deleted and sends are refused with ACCOUNT_GONE.
    await waitFor(
      () =>
        alice
          .conversations()
          .getSnapshot()
          .find((c) => c.id === chat)?.peerDeleted,
      'alice sees the account deleted',
    );
    expect(await code(alice.sendText(chat, 'hello?'))).toBe('ACCOUNT_GONE');
    // Carol learns it from the relay: a send or key fetch of hers meets NOT_FOUND. This send may
    // be that one, or be refused at once if her device already met NOT_FOUND in the background.
    expect(['resolved', 'ACCOUNT_GONE']).toContain(
      await code(carol.sendText(carolChat, fx.text('are you there?'))),
    );
    await waitFor(
      () =>
        carol
          .conversations()
          .getSnapshot()
          .find((c) => c.id === carolChat)?.peerDeleted,
      'carol sees the account deleted',
    );
    expect(await code(carol.sendText(carolChat, 'hello?'))).toBe('ACCOUNT_GONE');

    // The username is free at once (DELETED_USERNAME_RESERVED_MS = 0): someone new takes it,
    // and Alice reaches the new owner in a new chat, not the deleted one's.
    const newcomer = await fx.messenger();
    await newcomer.register(bobName);
    const fresh = await alice.openDirectConversation(bobName);
    expect(fresh).not.toBe(chat);
  });

  it('signs out a device the relay already refuses (its account deleted on another device)', async () => {
    const phone = await fx.messenger();
    const name = uniqueUsername('carol');
    await phone.register(name);
    const laptopDb = `laptop-${crypto.randomUUID()}`;
    const linked = await fx.messenger(laptopDb);
    await linkDevice(phone, linked);
    await linked.close();
    await phone.deleteAccount(name);
    // Opened again where no answer on its socket reaches it: only sign-out's own request learns
    // that the relay refuses it (a refused connect would wipe it first, racing this test).
    const laptop = await fx.messenger(
      laptopDb,
      interceptingWebSocket(() => undefined),
    );

    const events: MessengerEvent[] = [];
    laptop.on((event) => events.push(event));
    await laptop.signOut();
    expect(events.filter((e) => e.type === 'signed-out')).toEqual([
      { type: 'signed-out', reason: 'signed-out' },
    ]);
    expect(await databases()).not.toContain(laptopDb);
  });
});
