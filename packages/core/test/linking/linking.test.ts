import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/errors.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { linkDevice } from '../support/link.js';
import { texts, waitFor } from '../support/wait.js';

describe('linking a new device by its provisioning link (real relay)', () => {
  const fx = useRelay();

  it('joins the account, with words that match on both devices, and gets new messages', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const aliceName = alice.self.getSnapshot()!.username;
    await fx.warmUp(alice, bob, conversation);

    const laptop = await fx.messenger();
    const waiting = await laptop.startLinking();
    expect(laptop.provisioning.getSnapshot()).toEqual(waiting);
    expect((await alice.inspectDeviceLink(waiting.link)).words).toEqual(waiting.words);
    await alice.approveDeviceLink(waiting.link);
    const self = await waitFor(
      () =>
        (laptop.provisioning.getSnapshot().state === 'linked' && laptop.self.getSnapshot()) ||
        undefined,
      'the laptop joins',
    );
    expect(self.username).toBe(aliceName);
    expect(self.accountId).toBe(alice.self.getSnapshot()!.accountId);
    expect(self.deviceId).not.toBe(alice.self.getSnapshot()!.deviceId);

    const hello = fx.text('to both of alice’s devices');
    await bob.sendText(await bob.openDirectConversation(aliceName), hello);
    await waitFor(
      () => laptop.conversationList.getSnapshot().some((c) => texts(laptop, c.id).includes(hello)),
      'the laptop receives bob’s message',
    );
  });

  it('moves the history as one archive through the blob store, with progress on both sides', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const old = [fx.text('old one'), fx.text('old two'), fx.text('old three')];
    for (const text of old) await alice.sendText(conversation, text);
    await waitFor(() => texts(bob, conversation).includes(old[2]!), 'bob has the history');
    await alice.sent();

    const laptop = await fx.messenger();
    await linkDevice(alice, laptop);
    const received = await waitFor(() => {
      const view = laptop.linkHistory.getSnapshot();
      return view?.state === 'done' ? view : undefined;
    }, 'the laptop imports the archive');
    expect(received).toMatchObject({ direction: 'receiving', chatsDone: 1, chatsTotal: 1 });
    expect(received.bytesDone).toBe(received.bytesTotal);
    expect(alice.linkHistory.getSnapshot()).toMatchObject({ direction: 'sending', state: 'done' });
    await waitFor(
      () => old.every((text) => texts(laptop, conversation).includes(text)),
      'the laptop shows the history',
    );
    expect(laptop.conversationList.getSnapshot().map((c) => c.id)).toEqual([conversation]);
    // Bob's device never got the archive pointer: it went to Alice's own devices only.
    expect(bob.linkHistory.getSnapshot()).toBeNull();
  });

  it('refuses a provisioning address used twice', async () => {
    const alice = await fx.messenger();
    await alice.register(uniqueUsername('alice'));
    const laptop = await fx.messenger();
    const { link } = await laptop.startLinking();
    await alice.approveDeviceLink(link);
    const second = await alice.approveDeviceLink(link).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(ParleyError);
    expect((second as ParleyError).code).toBe('LINK_EXPIRED');
    await waitFor(() => laptop.provisioning.getSnapshot().state === 'linked', 'first one linked');
  });

  it('refuses links that are not links, and linking on a registered device', async () => {
    const alice = await fx.messenger();
    await alice.register(uniqueUsername('alice'));
    await expect(alice.inspectDeviceLink('https://example.com')).rejects.toMatchObject({
      code: 'INVALID_LINK',
    });
    await expect(alice.approveDeviceLink('parley://link?a=x')).rejects.toMatchObject({
      code: 'INVALID_LINK',
    });
    await expect(alice.startLinking()).rejects.toMatchObject({ code: 'ALREADY_REGISTERED' });
  });

  it('links a second device through helper (used by other suites)', async () => {
    const alice = await fx.messenger();
    await alice.register(uniqueUsername('alice'));
    const self = await linkDevice(alice, await fx.messenger());
    expect(self.accountId).toBe(alice.self.getSnapshot()!.accountId);
  });

  it('lists the account’s devices and unlinks one: it is refused at once and wipes itself', async () => {
    const phone = await fx.messenger();
    await phone.register(uniqueUsername('alice'));
    const laptop = await fx.messenger();
    const gone = new Promise<string>((resolve) =>
      laptop.on((event) => event.type === 'signed-out' && resolve(event.reason)),
    );
    let changes = 0;
    phone.on((event) => event.type === 'devices-changed' && changes++);
    const linked = await linkDevice(phone, laptop);
    // The relay pushes the change to the account's devices: nobody polls the list.
    await waitFor(() => changes >= 1, 'the phone hears of the new device');
    const devices = await phone.listDevices();
    expect(devices.map((d) => [d.deviceId, d.current])).toEqual([
      [phone.self.getSnapshot()!.deviceId, true],
      [linked.deviceId, false],
    ]);
    await expect(phone.unlinkDevice(phone.self.getSnapshot()!.deviceId)).rejects.toMatchObject({
      code: 'UNKNOWN_DEVICE',
    });
    await phone.unlinkDevice(linked.deviceId);
    expect(await gone).toBe('unlinked');
    await waitFor(() => changes >= 2, 'the phone hears of the removal');
    expect((await phone.listDevices()).map((d) => d.deviceId)).toEqual([
      phone.self.getSnapshot()!.deviceId,
    ]);
    await expect(phone.unlinkDevice(linked.deviceId)).rejects.toMatchObject({
      code: 'UNKNOWN_DEVICE',
    });
  });

  it('a device unlinked while it was closed wipes itself when the relay refuses it on start', async () => {
    const phone = await fx.messenger();
    await phone.register(uniqueUsername('alice'));
    const laptopDb = `laptop-${crypto.randomUUID()}`;
    const laptop = await fx.messenger(laptopDb);
    const linked = await linkDevice(phone, laptop);
    await laptop.close();
    await phone.unlinkDevice(linked.deviceId);

    // No DEVICE_REMOVED close reaches a closed device: its next connect is refused instead.
    const again = await fx.messenger(laptopDb);
    const gone = new Promise<string>((resolve) =>
      again.on((event) => event.type === 'signed-out' && resolve(event.reason)),
    );
    expect(again.self.getSnapshot()?.deviceId).toBe(linked.deviceId);
    expect(await gone).toBe('unlinked');
    const fresh = await fx.messenger(laptopDb);
    expect(fresh.self.getSnapshot()).toBeNull();
  });
});
