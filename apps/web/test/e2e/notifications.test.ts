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
import { describe, expect, it } from 'vitest';
import { useStack } from './harness/use-stack.js';
import { pushTo, waitForNotification } from './harness/push.js';
import { seriousViolations } from './harness/axe.js';
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
  waitForChat,
  type User,
} from './harness/user.js';

/** Sends and waits until the relay has it (the bubble's tick says sent). */
async function sendAndStore(sender: User, peer: string, text: string): Promise<void> {
  await send(sender, peer, text);
  await expect
    .poll(() => bubble(sender.page, text).getAttribute('data-status'), { timeout: 30_000 })
    .toMatch(/^(sent|delivered)$/);
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
    // Carol's first message may show too: if Bob's tab closed before it stored that message, the
    // relay delivers it again to the worker, and Bob never read it.
    const shown = (await waitForNotification(bob, stack.origin, 'see you at 5')).find(
      (n) => n.body === 'see you at 5',
    );
    expect(shown!.title).toBe(alice.username);
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
    await opened.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/');
      for (const notification of (await registration?.getNotifications()) ?? [])
        notification.close();
    });
    await opened.close();

    // Alice writes into the muted chat, then Carol into hers: one push wakes the worker for both.
    await sendAndStore(alice, bob.username, 'muted words');
    await openChat(carol, bob.username);
    await sendAndStore(carol, bob.username, 'carol again');
    await pushTo(bob.context, stack.origin);
    // The worker notifies chats oldest message first: when Carol's shows, Alice's would already
    // be there had her chat not been muted.
    const shownLater = await waitForNotification(bob, stack.origin, 'carol again');
    expect(shownLater.map((n) => [n.title, n.body, n.data?.count])).toEqual([
      [carol.username, 'carol again', 1],
    ]);

    for (const user of [alice, bob, carol]) await user.context.close();
  });
});

describe('notifications with the app open', () => {
  const stack = useStack();

  it('asks for permission after the first sent message, shows a toast for another chat, and has settings', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    const carol = await openUser(stack, 'carol');
    for (const user of [alice, bob, carol]) await signUp(user);
    const prompt = bob.page.getByRole('region', { name: 'Turn on notifications' });
    expect(await prompt.count()).toBe(0); // never on first load

    await startChat(alice, bob.username);
    await send(alice, bob.username, 'hello bob');
    await waitForChat(bob, alice.username);
    await openChat(bob, alice.username);
    await acceptRequest(bob, alice.username);
    expect(await prompt.count()).toBe(0); // receiving is no reason to ask yet
    await send(bob, alice.username, 'hi alice');
    await prompt.waitFor();
    expect(await seriousViolations(bob.page)).toEqual([]);
    await screenshot(bob.page, 'notifications-prompt');

    // Carol writes while Bob reads Alice's chat: a toast, which opens Carol's chat.
    await startChat(carol, bob.username);
    await send(carol, bob.username, 'are you coming tonight?');
    const toast = bob.page.locator('.toast__link', { hasText: 'are you coming tonight?' });
    await toast.waitFor();
    await screenshot(bob.page, 'notifications-toast');
    await toast.click();
    await bob.page.getByRole('region', { name: `Chat with ${carol.username}` }).waitFor();

    // The mute menu in the chat header.
    await bob.page.getByRole('button', { name: `Mute ${carol.username}` }).click();
    await bob.page
      .getByRole('menu', { name: `Mute notifications for ${carol.username}` })
      .waitFor();
    expect(await seriousViolations(bob.page)).toEqual([]);
    await screenshot(bob.page, 'notifications-mute-menu');
    await bob.page.getByRole('menuitem', { name: 'Mute always' }).click();
    await bob.page
      .getByRole('button', { name: `Muted: notifications for ${carol.username}` })
      .waitFor();

    // A muted chat shows no toast, though its message arrives.
    await openChat(bob, alice.username);
    await openChat(carol, bob.username);
    await send(carol, bob.username, 'ping?');
    await chatRow(bob.page, carol.username).filter({ hasText: 'ping?' }).waitFor();
    expect(await bob.page.locator('.toast__link', { hasText: 'ping?' }).count()).toBe(0);

    // Settings > Notifications.
    await bob.page.goto('/#/settings');
    const card = bob.page.getByRole('main').getByRole('region', { name: 'Notifications' });
    await card.getByRole('checkbox', { name: 'Show message text in notifications' }).waitFor();
    await card.scrollIntoViewIfNeeded();
    await screenshot(bob.page, 'notifications-settings');
    await card.getByRole('checkbox', { name: 'Show notifications for new messages' }).uncheck();
    expect(
      await card.getByRole('checkbox', { name: 'Show message text in notifications' }).isDisabled(),
    ).toBe(true);

    for (const user of [alice, bob, carol]) await user.context.close();
  });
});

describe('do not disturb', () => {
  const stack = useStack();

  it('silences toasts in the page and the service worker while on; messages still arrive', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await bob.context.grantPermissions(['notifications'], { origin: stack.origin });
    for (const user of [alice, bob]) await signUp(user);
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'hello bob');
    await waitForChat(bob, alice.username);
    // Accepted, so Alice learns when Bob's device has her messages (a stranger does not).
    await openChat(bob, alice.username);
    await acceptRequest(bob, alice.username);
    await bob.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // Settings > Notifications > Do not disturb: until turned off.
    const doNotDisturb = async (page: typeof bob.page, choice: string) => {
      await page.goto('/#/settings');
      const card = page.getByRole('main').getByRole('region', { name: 'Notifications' });
      await card.getByRole('combobox', { name: 'Do not disturb' }).selectOption({ label: choice });
      return card;
    };
    const card = await doNotDisturb(bob.page, 'Until turned off');
    await card.getByText('No notifications or sounds until you turn this off.').waitFor();
    await card.scrollIntoViewIfNeeded();
    expect(await seriousViolations(bob.page)).toEqual([]);
    await screenshot(bob.page, 'notifications-do-not-disturb');

    // In the page: the message arrives and counts, but no toast.
    await bob.page.goto('/#/');
    await send(alice, bob.username, 'hush');
    await chatRow(bob.page, alice.username).filter({ hasText: 'hush' }).waitFor();
    expect(await bob.page.locator('.toast__link', { hasText: 'hush' }).count()).toBe(0);

    // With Parley closed: the woken worker fetches the message (Alice sees it delivered) and
    // shows nothing.
    await bob.page.close();
    await sendAndStore(alice, bob.username, 'quiet please');
    await pushTo(bob.context, stack.origin);
    await expect
      .poll(() => bubble(alice.page, 'quiet please').getAttribute('data-status'), {
        timeout: 60_000,
      })
      .toBe('delivered');

    // Do not disturb off again; the next push notifies, and only for the message after it.
    const settings = await bob.context.newPage();
    await doNotDisturb(settings, 'Off');
    await settings.getByText('No notifications or sounds until').waitFor({ state: 'detached' });
    await settings.close();
    await sendAndStore(alice, bob.username, 'loud again');
    await pushTo(bob.context, stack.origin);
    const shown = await waitForNotification(bob, stack.origin, 'loud again');
    expect(shown.map((n) => [n.title, n.body, n.data?.count])).toEqual([
      [alice.username, 'loud again', 1],
    ]);

    for (const user of [alice, bob]) await user.context.close();
  });
});

describe('notifications with several tabs open', () => {
  const stack = useStack();

  it('toasts in one tab only: the one used last', async () => {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    for (const user of [alice, bob]) await signUp(user);
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'hello bob');
    await waitForChat(bob, alice.username);

    // Bob opens Parley in a second tab: a follower of the first (docs/decisions/0710).
    const second = await bob.context.newPage();
    await second.goto('/');
    await expect
      .poll(() => second.evaluate(() => document.documentElement.dataset.tabRole))
      .toBe('follower');
    await chatRow(second, alice.username).waitFor();
    const toast = (page: typeof second, text: string) =>
      page.locator('.toast__link', { hasText: text });

    // The tab opened last notifies; the other gets the message without a toast.
    await send(alice, bob.username, 'to the newest tab');
    await toast(second, 'to the newest tab').waitFor();
    await chatRow(bob.page, alice.username).filter({ hasText: 'to the newest tab' }).waitFor();
    expect(await toast(bob.page, 'to the newest tab').count()).toBe(0);

    // Bob clicks in the first tab: it notifies from now on. (The second tab hears of it on the
    // tabs' channel before the next message comes.)
    const heard = second.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const channel = new BroadcastChannel('parley:parley:notifier');
          channel.onmessage = () => {
            channel.close();
            resolve();
          };
        }),
    );
    await bob.page.getByRole('heading', { name: 'Chats' }).click();
    await heard;
    await send(alice, bob.username, 'back to the first');
    await toast(bob.page, 'back to the first').waitFor();
    await chatRow(second, alice.username).filter({ hasText: 'back to the first' }).waitFor();
    expect(await toast(second, 'back to the first').count()).toBe(0);

    for (const user of [alice, bob]) await user.context.close();
  });
});
