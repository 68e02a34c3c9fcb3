import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Messenger, MessageView } from '../../src/facade/api.js';
import { ParleyError } from '../../src/errors.js';
import { useRelay } from '../support/fixture.js';
import { relayBytes } from '../support/relay-contents.js';
import { waitFor } from '../support/wait.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A file whose every 64-byte window is recognisable: a repeated marker with a counter. */
function knownFile(size: number): Uint8Array<ArrayBuffer> {
  const text = Array.from(
    { length: Math.ceil(size / 32) },
    (_, i) => `PARLEY-PLAINTEXT-${String(i).padStart(15, '0')}`,
  ).join('');
  const bytes = new TextEncoder().encode(text.slice(0, size));
  expect(bytes.length).toBe(size);
  return bytes;
}

async function errorOf(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ParleyError);
  return error as ParleyError;
}

const withAttachment = (m: Messenger, conversation: string, caption: string) =>
  waitFor(
    () =>
      m
        .messages(conversation)
        .getSnapshot()
        .find((v) => v.body === caption && v.attachments),
    `attachment "${caption}"`,
  );

/** Attachments between two messengers through a real relay process and its blob store. */
describe('attachments', () => {
  const fx = useRelay([
    '--blob-max-bytes',
    String(3 * 1024 * 1024),
    '--blob-quota-bytes',
    String(5 * 1024 * 1024),
  ]);

  it('arrive with their pointer, decrypt to the same bytes, and the relay holds no plaintext', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const file = knownFile(300_000);
    const caption = fx.text('report');
    const messageId = await alice.sendAttachment(
      conversation,
      { bytes: file, contentType: 'application/pdf', fileName: 'report.pdf' },
      caption,
    );
    const received: MessageView = await withAttachment(bob, conversation, caption);
    expect(received.id).toBe(messageId);
    const pointer = received.attachments![0]!;
    expect(pointer).toMatchObject({ fileName: 'report.pdf', size: file.length, kind: 'file' });
    expect(await bob.cachedAttachment(pointer)).toBeUndefined();
    const bytes = await bob.openAttachment(pointer);
    expect(sha256(bytes)).toBe(sha256(file));
    expect(await bob.cachedAttachment(pointer)).toEqual(file);

    // The blob directory, database and logs of the relay: not one 32-byte window of the file.
    await bob.settled();
    const needles = [0, 1000, 150_000, 299_000].map((at) =>
      Buffer.from(file.subarray(at, at + 32)),
    );
    for (const needle of needles)
      expect(Buffer.from(file).includes(needle) && needle.length).toBe(32);
    expect(existsSync(join(fx.relay.dataDir, 'blobs', pointer.blobId))).toBe(true);
    const content = relayBytes(fx.relay);
    for (const needle of needles) expect(content.includes(needle)).toBe(false);
    expect(content.includes(Buffer.from('report.pdf'))).toBe(false);
  });

  it('names the last file in the chat list, also from the summary after a restart', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-preview-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const conversation = await fx.meet(alice, bob);
    await alice.sendAttachment(conversation, {
      bytes: knownFile(1000),
      contentType: 'application/pdf',
      fileName: 'minutes.pdf',
    });
    const listed = (m: Messenger) =>
      m
        .conversations()
        .getSnapshot()
        .find((c) => c.id === conversation)?.lastMessage;
    const preview = await waitFor(() => listed(bob)?.attachment, 'the file in the list');
    expect(preview).toEqual({ kind: 'file', fileName: 'minutes.pdf' });
    expect(listed(alice)?.attachment).toEqual({ kind: 'file', fileName: 'minutes.pdf' });

    // After a restart the chat's rows are not read (0821): the summary carries the file.
    await bob.close();
    bob = await fx.messenger(bobDb);
    expect(listed(bob)).toMatchObject({ body: '', attachment: preview });
  });

  it('refuses files over the cap and past the quota with clear codes', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const big = new Uint8Array(3 * 1024 * 1024);
    expect(
      (
        await errorOf(
          alice.sendAttachment(conversation, { bytes: big, contentType: 'application/zip' }),
        )
      ).code,
    ).toBe('ATTACHMENT_TOO_LARGE');
    const part = new Uint8Array(2 * 1024 * 1024);
    await alice.sendAttachment(conversation, { bytes: part, contentType: 'application/zip' });
    await alice.sendAttachment(conversation, { bytes: part, contentType: 'application/zip' });
    expect(
      (
        await errorOf(
          alice.sendAttachment(conversation, { bytes: part, contentType: 'application/zip' }),
        )
      ).code,
    ).toBe('QUOTA_EXCEEDED');
    expect(
      alice.transfers
        .getSnapshot()
        .some((t) => t.state === 'failed' && t.error === 'QUOTA_EXCEEDED'),
    ).toBe(true);
    expect(
      (
        await errorOf(
          alice.sendAttachment(conversation, {
            bytes: part,
            contentType: 'application/x-msdownload',
            fileName: 'setup.exe',
          }),
        )
      ).code,
    ).toBe('UNSUPPORTED_TYPE');
  });

  it('deleteAttachmentMedia removes the cached copy and the relay blob', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const caption = fx.text('gone soon');
    await alice.sendAttachment(
      conversation,
      { bytes: knownFile(5000), contentType: 'text/plain', fileName: 'a.txt' },
      caption,
    );
    const pointer = (await withAttachment(bob, conversation, caption)).attachments![0]!;
    expect(await alice.cachedAttachment(pointer)).toBeDefined();
    await alice.deleteAttachmentMedia(pointer);
    expect(await alice.cachedAttachment(pointer)).toBeUndefined();
    expect((await errorOf(bob.openAttachment(pointer))).code).toBe('ATTACHMENT_GONE');
  });

  it('a tampered pointer digest is caught on download', async () => {
    const alice = await fx.messenger();
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const caption = fx.text('tamper');
    await alice.sendAttachment(
      conversation,
      { bytes: knownFile(70_000), contentType: 'text/plain' },
      caption,
    );
    const pointer = (await withAttachment(bob, conversation, caption)).attachments![0]!;
    const digest = Buffer.from(pointer.digest, 'base64');
    digest[0]! ^= 1;
    const error = await errorOf(
      bob.openAttachment({ ...pointer, digest: digest.toString('base64') }),
    );
    expect(error.code).toBe('ATTACHMENT_CORRUPT');
  });

  it('an upload interrupted by closing the app resumes when it opens again', async () => {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    let alice = await fx.messenger(aliceDb);
    const bob = await fx.messenger();
    const conversation = await fx.meet(alice, bob);
    const file = knownFile(200_000);
    const caption = fx.text('after reload');
    // The relay is down: the upload cannot start, and the app is closed meanwhile.
    await fx.relay.kill();
    const sending = alice.sendAttachment(
      conversation,
      { bytes: file, contentType: 'text/plain', fileName: 'later.txt' },
      caption,
    );
    await waitFor(() => alice.transfers.getSnapshot().length > 0, 'the upload to start');
    await alice.close();
    expect((await errorOf(sending)).code).toBe('TRANSFER_CANCELLED');
    await fx.relay.restart();
    alice = await fx.messenger(aliceDb);
    const received = await withAttachment(bob, conversation, caption);
    expect(sha256(await bob.openAttachment(received.attachments![0]!))).toBe(sha256(file));
    await waitFor(() => alice.transfers.getSnapshot().length === 0, 'the upload to finish');
  });
});
