import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { ParleyError } from '../../src/errors.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { linkDevice } from '../support/link.js';
import { find, texts, waitFor } from '../support/wait.js';
import { ManualClock } from './manual-clock.js';

let devices = 0;
const deviceName = () => `disappearing-${process.pid}-${++devices}`;

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  return (error as ParleyError).code;
}

/** Every stored byte of a device's conversations (documents, update log, projection), as text. */
async function storedText(databaseName: string): Promise<string> {
  const db = new ParleyDatabase(databaseName);
  await db.open();
  const decoder = new TextDecoder();
  const parts = [
    ...(await db.docSnapshots.toArray()).map((row) => decoder.decode(row.snapshot)),
    ...(await db.docUpdates.toArray()).map((row) => decoder.decode(row.update)),
    JSON.stringify(await db.messages.toArray()),
  ];
  db.close();
  return parts.join('\n');
}

/**
 * Disappearing messages and view-once media between messengers on a real relay process. Time is
 * an injected ManualClock per device: tests move it forward instead of waiting.
 */
describe('disappearing messages', () => {
  const fx = useRelay();

  async function pair() {
    const aliceClock = new ManualClock();
    const bobClock = new ManualClock();
    const aliceDb = deviceName();
    const bobDb = deviceName();
    const alice = await fx.messenger(aliceDb, undefined, undefined, { clock: aliceClock });
    const bob = await fx.messenger(bobDb, undefined, undefined, { clock: bobClock });
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    // Accepted: a message request's reader sends no read receipts (requests/).
    await bob.acceptMessageRequest(conversation);
    return { alice, bob, aliceClock, bobClock, aliceDb, bobDb, conversation };
  }

  const timerOf = (m: Messenger, id: string) =>
    m
      .conversations()
      .getSnapshot()
      .find((c) => c.id === id)?.disappearingSeconds ?? 0;

  async function receive(bob: Messenger, conversation: string, text: string) {
    return waitFor(
      () =>
        bob
          .messages(conversation)
          .getSnapshot()
          .find((v) => v.body === text),
      `"${text}" on the recipient`,
    );
  }

  it('sets the timer on both sides with a system line, and refuses other values', async () => {
    const { alice, bob, conversation } = await pair();
    expect(await errorCode(alice.setDisappearingTimer(conversation, 42))).toBe('INVALID_TIMER');
    await alice.setDisappearingTimer(conversation, 300);
    expect(timerOf(alice, conversation)).toBe(300);
    await waitFor(() => timerOf(bob, conversation) === 300, 'the timer on the recipient');
    const line = bob
      .messages(conversation)
      .getSnapshot()
      .find((v) => v.kind === 'system' && v.body.includes('5 minutes'));
    expect(line?.body).toMatch(/^alice_.* set disappearing messages to 5 minutes$/);
    await bob.setDisappearingTimer(conversation, 0);
    await waitFor(() => timerOf(alice, conversation) === 0, 'the timer turned off');
    expect(texts(alice, conversation)).toHaveLength(1); // the warm-up: system lines are no texts
  });

  it('expires a message after it was sent (author) and after it was read (recipient): text, index and stored document', async () => {
    const { alice, bob, aliceClock, bobClock, bobDb, conversation } = await pair();
    // An hour: the margins below dwarf any real time a loaded machine lets pass meanwhile.
    await alice.setDisappearingTimer(conversation, 3600);
    await waitFor(() => timerOf(bob, conversation) === 3600, 'the timer on the recipient');
    const text = fx.text('vanishing');
    const id = await alice.sendText(conversation, text);
    const received = await receive(bob, conversation, text);
    expect(received.disappearingSeconds).toBe(3600);
    await bob.settled();
    expect((await bob.search('vanishing')).groups).toHaveLength(1);

    // The author's copy counts from sending.
    aliceClock.advance(3_601_000);
    await waitFor(() => !find(alice, conversation, id), 'expiry on the author');

    // The recipient's counts from reading: unread, it stays however long.
    bobClock.advance(10 * 3_600_000);
    await bob.settled();
    expect(find(bob, conversation, id)).toBeDefined();
    await bob.markRead(conversation, id);
    bobClock.advance(3_000_000);
    await bob.settled();
    expect(find(bob, conversation, id)).toBeDefined();
    bobClock.advance(700_000);
    await waitFor(() => !find(bob, conversation, id), 'expiry on the recipient');
    expect((await bob.search('vanishing')).groups).toHaveLength(0);

    // Nothing of it is left in the stored document, update log or projection.
    await bob.close();
    expect(await storedText(bobDb)).not.toContain(text);
  });

  it('survives a restart, and a device that was off applies what expired at its next start', async () => {
    const { alice, bob, bobClock, bobDb, conversation } = await pair();
    await alice.setDisappearingTimer(conversation, 300);
    await waitFor(() => timerOf(bob, conversation) === 300, 'the timer on the recipient');
    const kept = fx.text('kept a while');
    const keptId = await alice.sendText(conversation, kept);
    await receive(bob, conversation, kept);
    await bob.markRead(conversation, keptId);

    // Restarted before its time: still there, and its expiry time was kept.
    await bob.close();
    const again = await fx.messenger(bobDb, undefined, undefined, { clock: bobClock });
    expect(find(again, conversation, keptId)?.body).toBe(kept);
    bobClock.advance(301_000);
    await waitFor(() => !find(again, conversation, keptId), 'expiry after the restart');

    // Off while its time ran out: gone as soon as the device starts again.
    const offline = fx.text('expired while off');
    const offlineId = await alice.sendText(conversation, offline);
    await receive(again, conversation, offline);
    await again.markRead(conversation, offlineId);
    await again.close();
    bobClock.advance(3_600_000);
    const later = await fx.messenger(bobDb, undefined, undefined, { clock: bobClock });
    expect(find(later, conversation, offlineId)).toBeUndefined();
    expect(texts(later, conversation)).not.toContain(offline);
    await later.close();
    expect(await storedText(bobDb)).not.toContain(offline);
  });

  it('purges more than a window of times that ran out while the device was off, and keeps the rest', async () => {
    const { alice, bob, bobClock, bobDb, conversation } = await pair();
    await alice.setDisappearingTimer(conversation, 300);
    await waitFor(() => timerOf(bob, conversation) === 300, 'the timer on the recipient');
    const expiring = [fx.text('one'), fx.text('two'), fx.text('three'), fx.text('four')];
    const ids: string[] = [];
    for (const text of expiring) ids.push(await alice.sendText(conversation, text));
    await receive(bob, conversation, expiring.at(-1)!);
    for (const id of ids) await bob.markRead(conversation, id);
    await bob.close();
    bobClock.advance(200_000);
    // Read later: its time runs out after the others'.
    let again = await fx.messenger(bobDb, undefined, undefined, { clock: bobClock });
    const later = fx.text('read later');
    const laterId = await alice.sendText(conversation, later);
    await receive(again, conversation, later);
    await again.markRead(conversation, laterId);
    await again.settled();
    await again.close();

    // Off while the first four ran out: with a window of 2 times held, they are read and purged
    // two at a time, all before the messenger opens; the fifth waits for its own time.
    bobClock.advance(150_000);
    again = await fx.messenger(bobDb, undefined, undefined, { clock: bobClock, expiryWindow: 2 });
    expect(texts(again, conversation).filter((text) => expiring.includes(text))).toEqual([]);
    expect(find(again, conversation, laterId)?.body).toBe(later);
    bobClock.advance(200_000);
    await waitFor(() => !find(again, conversation, laterId), 'the fifth in its turn');
  });

  it('deletes media on every device and the blob on the relay once the recipient read it', async () => {
    const { alice, bob, aliceClock, bobClock, conversation } = await pair();
    await alice.setDisappearingTimer(conversation, 30);
    await waitFor(() => timerOf(bob, conversation) === 30, 'the timer on the recipient');
    const caption = fx.text('photo');
    const bytes = new Uint8Array(4000).fill(7);
    const id = await alice.sendAttachment(
      conversation,
      { bytes, contentType: 'image/png', fileName: 'p.png' },
      caption,
    );
    const pointer = (await receive(bob, conversation, caption)).attachments![0]!;
    expect(await bob.openAttachment(pointer)).toEqual(bytes);
    const blobFile = join(fx.relay.dataDir, 'blobs', pointer.blobId);
    expect(existsSync(blobFile)).toBe(true);

    // The author's copy expires before the recipient read it: the blob stays for the recipient.
    aliceClock.advance(31_000);
    await waitFor(() => !find(alice, conversation, id), 'expiry on the author');
    await waitFor(
      async () => (await alice.cachedAttachment(pointer)) === undefined,
      'the cached file gone on the author',
    );
    expect(existsSync(blobFile)).toBe(true);

    // Read: the read receipt lets the author's device delete the blob on the relay.
    await bob.markRead(conversation, id);
    await waitFor(() => !existsSync(blobFile), 'the blob deleted on the relay');
    bobClock.advance(31_000);
    await waitFor(() => !find(bob, conversation, id), 'expiry on the recipient');
    await waitFor(
      async () => (await bob.cachedAttachment(pointer)) === undefined,
      'the cached file gone on the recipient',
    );
  });
});

describe('disappearing messages in groups', () => {
  const fx = useRelay();

  it('follow the group setting: only admins change it when the group says so; messages carry it', async () => {
    const bobClock = new ManualClock();
    const alice = await fx.messenger();
    const bob = await fx.messenger(deviceName(), undefined, undefined, { clock: bobClock });
    const bobName = uniqueUsername('bob');
    await alice.register(uniqueUsername('alice'));
    await bob.register(bobName);
    const group = await alice.createGroup('Timed', [bobName]);
    await waitFor(() => bob.groupInfo(group)?.isMember, 'bob joins');
    await alice.changeGroupSetting(group, {
      kind: 'set-admins-only',
      scope: 'edit-info',
      adminsOnly: true,
    });
    await waitFor(() => bob.groupInfo(group)?.adminsOnlyEditInfo, 'admins-only on bob');
    await expect(bob.setDisappearingTimer(group, 30)).rejects.toMatchObject({
      reason: 'not-an-admin',
    });
    await alice.setDisappearingTimer(group, 3600);
    await waitFor(() => bob.groupInfo(group)?.disappearingSeconds === 3600, 'the timer on bob');
    expect(
      bob
        .messages(group)
        .getSnapshot()
        .some((v) => v.kind === 'system' && v.body.endsWith('set disappearing messages to 1 hour')),
    ).toBe(true);
    const text = fx.text('group secret');
    const id = await alice.sendText(group, text);
    const received = await waitFor(() => find(bob, group, id), 'the group message');
    expect(received.disappearingSeconds).toBe(3600);
    await bob.markRead(group, id);
    bobClock.advance(3_601_000);
    await waitFor(() => !find(bob, group, id), 'expiry in the group');
  });
});

describe('view-once media', () => {
  const fx = useRelay();

  it('opens once on the recipient, then shows as opened, also after a restart', async () => {
    const bobDb = deviceName();
    const alice = await fx.messenger();
    const bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    const bytes = new Uint8Array(3000).fill(9);
    const id = await alice.sendAttachment(conversation, {
      bytes,
      contentType: 'image/png',
      thumbnail: 'data:image/png;base64,AAAA',
      viewOnce: true,
    });
    const received = await waitFor(() => find(bob, conversation, id), 'the view-once message');
    expect(received.viewOnce).toBe('unopened');
    const pointer = received.attachments![0]!;
    expect(pointer.thumbnail).toBeUndefined(); // nothing of it shows before it is opened
    expect(find(alice, conversation, id)?.viewOnce).toBe('unopened');
    expect(await alice.cachedAttachment(pointer)).toBeUndefined();
    expect(await errorCode(alice.openViewOnce(conversation, id))).toBe('VIEW_ONCE_UNAVAILABLE');

    expect(await bob.openViewOnce(conversation, id)).toEqual(bytes);
    const opened = find(bob, conversation, id);
    expect(opened).toMatchObject({ viewOnce: 'opened', body: '' });
    expect(opened?.attachments).toBeUndefined();
    expect(await bob.cachedAttachment(pointer)).toBeUndefined();
    expect(await errorCode(bob.openViewOnce(conversation, id))).toBe('VIEW_ONCE_UNAVAILABLE');

    await bob.close();
    expect(await storedText(bobDb)).not.toContain(pointer.key);
    const again = await fx.messenger(bobDb);
    expect(find(again, conversation, id)?.viewOnce).toBe('opened');
    expect(await errorCode(again.openViewOnce(conversation, id))).toBe('VIEW_ONCE_UNAVAILABLE');
  });

  it("once per account: opened on one of the recipient's devices, it is gone from the others", async () => {
    const alice = await fx.messenger();
    const bobPhone = await fx.messenger();
    const conversation = await fx.meet(alice, bobPhone);
    const bobLaptop = await fx.messenger();
    await linkDevice(bobPhone, bobLaptop);
    const bytes = new Uint8Array(2000).fill(7);
    const id = await alice.sendAttachment(conversation, {
      bytes,
      contentType: 'image/png',
      thumbnail: 'data:image/png;base64,AAAA',
      viewOnce: true,
    });
    await waitFor(() => find(bobPhone, conversation, id), 'the view-once message on the phone');
    await waitFor(() => find(bobLaptop, conversation, id), 'the view-once message on the laptop');

    expect(await bobPhone.openViewOnce(conversation, id)).toEqual(bytes);
    await waitFor(
      () => find(bobLaptop, conversation, id) === undefined || undefined,
      'the laptop hides what the phone opened',
    );
    expect(await errorCode(bobLaptop.openViewOnce(conversation, id))).toBe('VIEW_ONCE_UNAVAILABLE');
  });
});
