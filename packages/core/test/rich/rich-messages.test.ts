import { DELETE_FOR_EVERYONE_WINDOW_MS, EDIT_WINDOW_MS } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { Messenger, MessageView } from '../../src/facade/api.js';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import type { RichMessagesDeps } from '../../src/rich/rich-messages.js';
import { signRichOp, type RichOpBody } from '../../src/rich/rich-op.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { hideMessagesContent } from '../../src/delivery/contents.js';
import { engines } from '../engine/engines.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { find, openChat, texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

const engine = engines[0]!.engine;

function depsOf(messenger: Messenger): MessengerDeps {
  return (messenger as unknown as { deps: MessengerDeps }).deps;
}

/**
 * Writes a rich op from `messenger`'s device straight into the document and sends it, skipping
 * the verbs' checks: what a modified client could send. `at` and `author` are the forger's choice;
 * the op is signed with the device's own identity key.
 */
async function writeRawOp(
  messenger: Messenger,
  conversationId: string,
  messageId: string,
  body: RichOpBody,
  overrides: { author?: string; at?: number } = {},
): Promise<void> {
  const deps = depsOf(messenger);
  const account = deps.device.require();
  const key = engine.IdentityKeyPair.deserialize(account.identityKeyPair);
  const op = signRichOp(
    conversationId,
    {
      id: crypto.randomUUID(),
      messageId,
      author: overrides.author ?? account.accountId,
      authorDevice: account.deviceId,
      at: overrides.at ?? Date.now(),
      ...body,
    },
    (message) => key.privateKey.sign(message),
  );
  const model = deps.conversations.get(conversationId)!;
  const work = new UnitOfWork();
  const { update } = deps.conversations.stage(work, model, (doc) => doc.writeRichOp(op));
  deps.composer.publish(work, model, update!);
  // The same commit the verbs use (group commit: document, rows and outbox in one transaction).
  await (deps.rich as unknown as { deps: RichMessagesDeps }).deps.commit(work);
}

/** Whether the device's stored conversation documents contain `text` (UTF-8) anywhere. */
async function storedDocumentHolds(messenger: Messenger, text: string): Promise<boolean> {
  const { db } = depsOf(messenger);
  const needle = Buffer.from(text);
  const blobs = [
    ...(await db.docSnapshots.toArray()).map((row) => row.snapshot),
    ...(await db.docUpdates.toArray()).map((row) => row.update),
  ];
  return blobs.some((bytes) => Buffer.from(bytes).includes(needle));
}

/** The part of a message every device must agree on. */
function shown(messenger: Messenger, conversationId: string, id: string) {
  const view = find(messenger, conversationId, id);
  if (!view) return undefined;
  const { body, edited, deleted, forwarded, replyTo, attachments } = view;
  return {
    body,
    edited,
    deleted,
    forwarded,
    replyTo,
    attachments,
    reactions: view.reactions?.map(({ emoji, count, usernames }) => ({ emoji, count, usernames })),
  };
}

async function converged(devices: Messenger[], conversationId: string, id: string, what: string) {
  const [first, ...others] = devices;
  return waitFor(() => {
    const expected = JSON.stringify(shown(first!, conversationId, id));
    return others.every((m) => JSON.stringify(shown(m, conversationId, id)) === expected)
      ? shown(first!, conversationId, id)
      : undefined;
  }, what);
}

describe('rich messages through the real relay', () => {
  const fx = useRelay();

  it('replies, reactions, edits and deletes converge on both accounts and a second device', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-rich-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    const aliceLaptop = await fx.messenger();
    await linkDevice(alice, aliceLaptop);
    await fx.warmUp(alice, bob, conversation);
    let devices = [alice, bob, aliceLaptop];

    const original = fx.text('lunch at noon?');
    const id = await alice.sendText(conversation, original);
    await waitFor(() => devices.every((m) => find(m, conversation, id)), 'everyone has it');

    // Reply with a quote.
    const replyText = fx.text('yes!');
    const replyId = await bob.sendText(conversation, replyText, { replyTo: id });
    let reply = await converged(devices, conversation, replyId, 'the reply');
    await waitFor(() => find(aliceLaptop, conversation, replyId), 'the reply arrives');
    reply = await converged(devices, conversation, replyId, 'the reply');
    expect(reply?.replyTo).toMatchObject({ messageId: id, body: original });

    // Reactions: one per person, changed, then removed.
    await bob.react(conversation, id, '👍');
    await alice.react(conversation, id, '👍');
    await waitFor(
      () => devices.every((m) => find(m, conversation, id)?.reactions?.[0]?.count === 2),
      'two thumbs up',
    );
    await bob.react(conversation, id, '❤️');
    await waitFor(
      () => devices.every((m) => find(m, conversation, id)?.reactions?.length === 2),
      'bob changed his reaction',
    );
    const reacted = await converged(devices, conversation, id, 'reactions');
    expect(reacted?.reactions?.map((r) => [r.emoji, r.count])).toEqual(
      expect.arrayContaining([
        ['👍', 1],
        ['❤️', 1],
      ]),
    );
    expect(
      find(aliceLaptop, conversation, id)?.reactions?.find((r) => r.emoji === '👍')?.mine,
    ).toBe(true);
    await alice.react(conversation, id, null);
    await waitFor(
      () => devices.every((m) => find(m, conversation, id)?.reactions?.length === 1),
      'alice took hers back',
    );

    // Edit: "edited", the history, the quote and the search index follow on every device.
    const fixed = fx.text('lunch at one?');
    await alice.editMessage(conversation, id, fixed);
    await waitFor(
      () => devices.every((m) => find(m, conversation, id)?.body === fixed),
      'the edit everywhere',
    );
    const edited = await converged(devices, conversation, id, 'the edit');
    expect(edited).toMatchObject({ body: fixed, edited: true });
    expect(find(bob, conversation, replyId)?.replyTo?.body).toBe(fixed);
    for (const m of devices) {
      expect(m.messageHistory(conversation, id).map((v) => v.body)).toEqual([original, fixed]);
      await expect.poll(async () => (await m.search('noon')).groups).toEqual([]);
      await expect
        .poll(async () => (await m.search('lunch one')).groups[0]?.messages.map((x) => x.messageId))
        .toEqual([id]);
    }

    // Only the author edits or deletes: the verbs refuse the others.
    await expect(bob.editMessage(conversation, id, 'mine now')).rejects.toMatchObject({
      code: 'NOT_AUTHOR',
    });
    await expect(bob.deleteForEveryone(conversation, id)).rejects.toMatchObject({
      code: 'NOT_AUTHOR',
    });

    // Delete for everyone: a tombstone, no text, no search hit; the quote says it was deleted.
    await alice.deleteForEveryone(conversation, id);
    await waitFor(
      () => devices.every((m) => find(m, conversation, id)?.deleted),
      'the tombstone everywhere',
    );
    const tombstone = await converged(devices, conversation, id, 'the tombstone');
    expect(tombstone).toMatchObject({ body: '', deleted: true });
    expect(tombstone?.reactions).toBeUndefined();
    expect(tombstone?.edited).toBeUndefined();
    expect(find(bob, conversation, replyId)?.replyTo).toMatchObject({ deleted: true, body: '' });
    for (const m of devices) {
      await expect.poll(async () => (await m.search('lunch')).groups).toEqual([]);
      expect(m.messageHistory(conversation, id)).toEqual([]);
      expect(texts(m, conversation).join(' ')).not.toContain('lunch');
    }
    // Nor is the text left in any device's stored document (snapshot and update log).
    for (const m of devices)
      for (const text of [original, fixed])
        await expect.poll(() => storedDocumentHolds(m, text), { timeout: 60_000 }).toBe(false);
    await expect(bob.react(conversation, id, '😮')).rejects.toMatchObject({
      code: 'MESSAGE_DELETED',
    });
    // After a restart the tombstone is still in its place (its entry left the document).
    const order = (m: Messenger) =>
      m
        .messages(conversation)
        .getSnapshot()
        .map((view) => view.id)
        .filter((viewId) => viewId === id || viewId === replyId);
    expect(order(bob)).toEqual([id, replyId]);
    await bob.close();
    bob = await fx.messenger(bobDb);
    await openChat(bob, conversation);
    devices = [alice, bob, aliceLaptop];
    expect(order(bob)).toEqual([id, replyId]);
    expect(find(bob, conversation, id)).toMatchObject({ deleted: true, body: '' });
    expect(find(bob, conversation, replyId)?.replyTo).toMatchObject({ deleted: true });

    // Delete for me: gone on Alice's devices only.
    await alice.deleteForMe(conversation, [replyId]);
    await waitFor(() => !find(aliceLaptop, conversation, replyId), 'hidden on the laptop too');
    expect(find(alice, conversation, replyId)).toBeUndefined();
    expect(find(bob, conversation, replyId)?.body).toBe(replyText);
    await expect.poll(async () => (await aliceLaptop.search('yes')).groups).toEqual([]);
    expect((await bob.search('yes')).groups[0]?.messages[0]?.messageId).toBe(replyId);

    // Forward: a copy in another chat, marked forwarded.
    const carol = await fx.messenger();
    const carolName = uniqueUsername('carol');
    await carol.register(carolName);
    const toCarol = await bob.openDirectConversation(carolName);
    const forwardedId = await bob.forwardMessage(conversation, replyId, toCarol);
    await waitFor(() => find(carol, toCarol, forwardedId), 'carol gets the forward');
    expect(find(carol, toCarol, forwardedId)).toMatchObject({ body: replyText, forwarded: true });
  });

  it('ignores forged and late edits and deletes on every receiving device', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    await fx.warmUp(alice, bob, conversation);
    const aliceId = depsOf(alice).device.require().accountId;
    const text = fx.text('keep me as I am');
    const id = await alice.sendText(conversation, text);
    await waitFor(() => find(bob, conversation, id), 'bob has it');
    const sentAt = find(bob, conversation, id)!.sentAt;

    // Bob's modified client: an edit and a delete in his own name, and in Alice's name.
    await writeRawOp(bob, conversation, id, { kind: 'edit', body: 'bob was here' });
    await writeRawOp(bob, conversation, id, { kind: 'delete' });
    await writeRawOp(
      bob,
      conversation,
      id,
      { kind: 'edit', body: 'alice says' },
      { author: aliceId },
    );
    await writeRawOp(bob, conversation, id, { kind: 'delete' }, { author: aliceId });
    // Alice's own device, past the windows (backdating the clock is the only way past her UI).
    await writeRawOp(
      alice,
      conversation,
      id,
      { kind: 'edit', body: 'too late' },
      {
        at: sentAt + EDIT_WINDOW_MS + 1,
      },
    );
    await writeRawOp(
      alice,
      conversation,
      id,
      { kind: 'delete' },
      {
        at: sentAt + DELETE_FOR_EVERYONE_WINDOW_MS + 1,
      },
    );
    // And a "delete for me" addressed to Alice's devices by Bob: only her own devices may hide.
    const bobDeps = depsOf(bob);
    const work = new UnitOfWork();
    bobDeps.outbox.enqueue(work, {
      content: hideMessagesContent(conversation, [id]),
      recipientAccountIds: [aliceId],
      ownDevices: false,
    });
    await (bobDeps.rich as unknown as { deps: RichMessagesDeps }).deps.commit(work);
    // A marker sent after all of them: once it is shown, the ops above have been applied.
    await bob.react(conversation, id, '🙂');
    await alice.react(conversation, id, '🙃');
    for (const m of [alice, bob])
      await waitFor(() => find(m, conversation, id)?.reactions?.length === 2, 'both markers');
    for (const m of [alice, bob]) {
      const view = find(m, conversation, id) as MessageView;
      expect(view).toMatchObject({ body: text });
      expect(view.edited).toBeUndefined();
      expect(view.deleted).toBeUndefined();
      expect(m.messageHistory(conversation, id).map((v) => v.body)).toEqual([text]);
    }

    // The verbs refuse past the window (the clock moved a day on).
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + EDIT_WINDOW_MS + 60_000);
    try {
      await expect(alice.editMessage(conversation, id, 'late')).rejects.toMatchObject({
        code: 'WINDOW_PASSED',
      });
      await expect(alice.deleteForEveryone(conversation, id)).rejects.toMatchObject({
        code: 'WINDOW_PASSED',
      });
    } finally {
      clock.mockRestore();
    }
  });

  it('converges in groups: reactions and edits of members, deletes with media gone', async () => {
    const [alice, bob, carol] = [await fx.messenger(), await fx.messenger(), await fx.messenger()];
    const names = [uniqueUsername('alice'), uniqueUsername('bob'), uniqueUsername('carol')];
    await alice.register(names[0]!);
    await bob.register(names[1]!);
    await carol.register(names[2]!);
    const group = await alice.createGroup('Rich', [names[1]!, names[2]!]);
    const devices = [alice, bob, carol];
    for (const m of [bob, carol])
      await waitFor(() => m.groupInfo(group)?.isMember, 'the members have the group');
    const text = fx.text('group plan');
    const id = await bob.sendText(group, text);
    await waitFor(() => devices.every((m) => find(m, group, id)), 'all members have it');
    await alice.react(group, id, '🎉');
    await carol.react(group, id, '🎉');
    await bob.editMessage(group, id, 'group plan, revised');
    await waitFor(
      () =>
        devices.every(
          (m) =>
            find(m, group, id)?.reactions?.[0]?.count === 2 &&
            find(m, group, id)?.body === 'group plan, revised',
        ),
      'reactions and the edit in the group',
    );
    const state = await converged(devices, group, id, 'the group message');
    expect(state?.reactions?.[0]?.usernames).toEqual([names[0], names[2]].sort());
    // Carol cannot delete Bob's message, even with a modified client.
    await writeRawOp(carol, group, id, { kind: 'delete' });
    await bob.deleteForEveryone(group, id);
    await waitFor(() => devices.every((m) => find(m, group, id)?.deleted), 'deleted in the group');
    await converged(devices, group, id, 'the group tombstone');

    // A file: once deleted for everyone, no device has it cached and the relay no longer serves it.
    const bytes = crypto.getRandomValues(new Uint8Array(40_000));
    const fileId = await bob.sendAttachment(group, {
      bytes,
      contentType: 'application/pdf',
      fileName: 'plan.pdf',
    });
    const pointer = await waitFor(
      () =>
        devices.every((m) => find(m, group, fileId)) &&
        find(carol, group, fileId)?.attachments?.[0],
      'the file everywhere',
    );
    for (const m of devices) expect(await m.openAttachment(pointer)).toEqual(bytes);
    // Carol forwards it to Alice first: a copy under its own blob, marked forwarded.
    const toAlice = await carol.openDirectConversation(names[0]!);
    const forwardedId = await carol.forwardMessage(group, fileId, toAlice);
    const forwardedPointer = await waitFor(
      () => find(alice, toAlice, forwardedId)?.attachments?.[0],
      'alice gets the forwarded file',
    );
    expect(find(alice, toAlice, forwardedId)?.forwarded).toBe(true);
    expect(forwardedPointer.blobId).not.toBe(pointer.blobId);
    await bob.deleteForEveryone(group, fileId);
    await waitFor(() => devices.every((m) => find(m, group, fileId)?.deleted), 'the file deleted');
    for (const m of devices) {
      expect(find(m, group, fileId)?.attachments).toBeUndefined();
      await expect.poll(() => m.cachedAttachment(pointer)).toBeUndefined();
    }
    await expect(carol.openAttachment(pointer)).rejects.toMatchObject({ code: 'ATTACHMENT_GONE' });
    // The forward does not depend on the deleted original.
    expect(await alice.openAttachment(forwardedPointer)).toEqual(bytes);
  });
});
