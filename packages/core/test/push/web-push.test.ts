import { describe, expect, it } from 'vitest';
import { useRelay } from '../support/fixture.js';
import { texts } from '../support/wait.js';

/** Core's Web Push verbs against a real relay process; the push delivery itself is the relay's test. */
describe('Web Push verbs', () => {
  const fx = useRelay();

  it('catches up: a device opened by a wake-up has every waiting message once caughtUp() resolves', async () => {
    const alice = await fx.messenger();
    const bobDatabase = `bob-push-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDatabase);
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    await bob.close();

    const waiting = [fx.text('one'), fx.text('two'), fx.text('three')];
    for (const text of waiting) await alice.sendText(conversation, text);
    await alice.settled();
    // Sends are acked by the relay only once stored: wait for each to be at least "sent".
    await expect
      .poll(
        () =>
          alice
            .messages(conversation)
            .getSnapshot()
            .filter((m) => waiting.includes(m.body) && m.status !== 'pending').length,
      )
      .toBe(3);

    bob = await fx.messenger(bobDatabase);
    await bob.caughtUp();
    const shown = texts(bob, conversation);
    expect(waiting.every((text) => shown.includes(text))).toBe(true);
  });

  it('sent(): a device woken only to mark a chat read stops once the read receipt has left', async () => {
    const alice = await fx.messenger();
    const bobDatabase = `bob-read-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDatabase);
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    await bob.acceptMessageRequest(conversation); // a stranger's request gets no read receipt
    const text = fx.text('read me from the notification');
    await alice.sendText(conversation, text);
    await expect.poll(() => texts(bob, conversation).includes(text)).toBe(true);
    await bob.close();

    // The service worker's "Mark as read": open, mark, wait for the outbox, close.
    bob = await fx.messenger(bobDatabase);
    const latest = bob
      .messages(conversation)
      .getSnapshot()
      .findLast((m) => m.body === text)!;
    await bob.markRead(conversation, latest.id);
    await bob.sent();
    await bob.close();
    const status = () =>
      alice
        .messages(conversation)
        .getSnapshot()
        .find((m) => m.body === text)?.status;
    await expect.poll(status).toBe('read');
  });

  it('registers, refreshes and removes the subscription; the relay refuses endpoints it must not call', async () => {
    const device = await fx.messenger();
    await fx.meet(device, await fx.messenger());
    const publicKey = await device.pushPublicKey();
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const keys = { p256dh: publicKey, auth: 'AAAAAAAAAAAAAAAAAAAAAA' };
    await device.setPushSubscription({
      endpoint: 'https://push.example/a',
      expirationTime: null,
      keys,
    });
    await device.setPushSubscription({ endpoint: 'https://push.example/b', keys });
    await expect(
      device.setPushSubscription({ endpoint: 'http://push.example/c', keys }),
    ).rejects.toMatchObject({ code: 'MALFORMED' });
    await device.setPushSubscription(null);
  });
});
