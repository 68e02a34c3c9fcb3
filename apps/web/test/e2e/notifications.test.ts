/**
 * Web Push with the app closed. Real push services are unreachable here (no internet: Chromium's
 * PushManager.subscribe cannot reach FCM, and the app logs that and goes on), so the push is
 * delivered the way Chromium's DevTools do it: CDP `ServiceWorker.deliverPushMessage` with a
 * random wake-up id, exactly what the relay's pushes carry (the relay's side, with a push service
 * that decrypts what it gets, is packages/sync-server/test/push). Everything after the push is
 * the real service worker: it runs core on the device's database, connects to the real relay,
 * decrypts the waiting message and shows the notification, read back with
 * `registration.getNotifications()` from another same-origin document.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  openChat,
  openUser,
  reopen,
  send,
  signUp,
  startChat,
  waitForChat,
  type User,
} from './harness/user.js';

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { conversationId?: string; count?: number; url?: string } | null;
}

/** A same-origin document that is not the app (the relay's health check): it runs no core. */
async function notificationReader(user: User, origin: string): Promise<Page> {
  const page = await user.context.newPage();
  await page.goto(`${origin}/healthz`);
  return page;
}

function shownNotifications(reader: Page): Promise<ShownNotification[]> {
  return reader.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration('/');
    const list = (await registration?.getNotifications()) ?? [];
    return list.map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data as ShownNotification['data'],
    }));
  });
}

/** The app's service worker registration id, as CDP names it. */
async function registrationId(cdp: CDPSession, origin: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

/** Sends and waits until the relay has it (the bubble's tick says sent). */
async function sendAndStore(sender: User, peer: string, text: string): Promise<void> {
  await send(sender, peer, text);
  await expect
    .poll(() => bubble(sender.page, text).getAttribute('data-status'), { timeout: 30_000 })
    .toMatch(/^(sent|delivered)$/);
}

async function pushTo(context: BrowserContext, origin: string): Promise<void> {
  // A blank tab of the same profile carries the DevTools session: no window of the app is open.
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  const id = await registrationId(cdp, origin);
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin,
    registrationId: id,
    data: crypto.randomUUID(),
  });
  await cdp.detach();
  await blank.close();
}

describe('notifications with the app closed', () => {
  const stack = useStack();

  it('shows the waiting message when a push wakes the service worker, and none for a muted chat', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    const carol = await openUser(stack, 'carol');
    await bob.context.grantPermissions(['notifications'], { origin: stack.origin });
    for (const user of [alice, bob, carol]) await signUp(user);
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'hello bob');
    await startChat(carol, bob.username);
    await send(carol, bob.username, 'hi from carol');
    await waitForChat(bob, alice.username);
    await waitForChat(bob, carol.username);
    await bob.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // Bob closes Parley; Alice writes; a push wakes Bob's service worker.
    await bob.page.close();
    await sendAndStore(alice, bob.username, 'see you at 5');
    await pushTo(bob.context, stack.origin);
    const reader = await notificationReader(bob, stack.origin);
    await expect
      .poll(() => shownNotifications(reader).then((list) => list.map((n) => n.title)), {
        timeout: 60_000,
      })
      .toEqual([alice.username]);
    const [shown] = await shownNotifications(reader);
    expect(shown).toMatchObject({ body: 'see you at 5' });
    expect(shown!.tag).toBe(shown!.data?.conversationId);
    expect(shown!.data?.count).toBe(1);

    // The notification's target is the chat: opening it shows that conversation.
    const opened = await bob.context.newPage();
    await opened.goto(`${stack.origin}${shown!.data!.url!}`);
    await opened.getByRole('region', { name: `Chat with ${alice.username}` }).waitFor();

    // Bob mutes Alice's chat for an hour, clears his notifications and closes Parley again.
    await opened.getByRole('button', { name: `Mute ${alice.username}` }).click();
    await opened.getByRole('menuitem', { name: 'Mute for 1 hour' }).click();
    await opened
      .getByRole('button', { name: new RegExp(`^Muted until .*${alice.username}$`) })
      .waitFor();
    await opened.close();
    await reader.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/');
      for (const n of (await registration?.getNotifications()) ?? []) n.close();
    });

    // Alice writes into the muted chat, then Carol into hers: one push wakes the worker for both.
    await sendAndStore(alice, bob.username, 'muted words');
    await openChat(carol, bob.username);
    await sendAndStore(carol, bob.username, 'carol again');
    await pushTo(bob.context, stack.origin);
    // Chats are notified in the order their messages arrived: Carol's showing means Alice's
    // (muted) chat was already passed over.
    await expect
      .poll(() => shownNotifications(reader).then((list) => list.map((n) => n.title)), {
        timeout: 60_000,
      })
      .toEqual([carol.username]);
    const [carolNote] = await shownNotifications(reader);
    expect(carolNote!.body).toBe('carol again');

    for (const user of [alice, bob, carol]) await user.context.close();
  });
});
