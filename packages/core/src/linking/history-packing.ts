import { historyArchiveContent } from '../delivery/contents.js';
import { importSealed, sealedSegments } from '../history/archive-segments.js';
import { decryptAttachment, encryptAttachment } from '../media/attachment-cipher.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { decodeHistoryArchive, HistoryArchiveWriter } from './history-archive.js';
import type { HistoryTransferDeps, HistoryTransferView } from './history-transfer.js';
import type { PendingArchive } from './pending-history.js';

/**
 * The work of a history transfer (decision 0350): packing, sealing and uploading the archive on
 * the approving device, downloading and importing it on the new one. Loaded by
 * history-transfer.ts only when a link is served or an archive arrives, so the first paint does
 * not carry it.
 */

/** Conversations imported per commit: the newest chats show while older ones still arrive. */
const IMPORT_BATCH = 5;

/** Conversations whose documents are read and packed at a time (memory: one batch of them). */
const PACK_BATCH = 20;

type Report = (view: HistoryTransferView) => void;

/** Packs every conversation, newest first, and sends the sealed archive to `deviceId`. */
export async function packAndSend(
  deps: HistoryTransferDeps,
  deviceId: number,
  report: Report,
): Promise<void> {
  const models = [...deps.conversations.all()].sort((a, b) => b.row.updatedAt - a.row.updatedAt);
  const total = models.length;
  const progress = (state: HistoryTransferView['state'], bytesDone: number, bytesTotal: number) =>
    report({
      direction: 'sending',
      state,
      bytesDone,
      bytesTotal,
      chatsDone: state === 'done' ? total : 0,
      chatsTotal: total,
    });
  progress('packing', 0, 0);
  // A batch of chats at a time: their documents are read, packed and let go (0821).
  const writer = new HistoryArchiveWriter();
  for (let from = 0; from < models.length; from += PACK_BATCH) {
    const batch = models.slice(from, from + PACK_BATCH);
    const [states, segments] = await Promise.all([
      deps.conversations.documentStates(batch),
      Promise.all(batch.map((model) => sealedSegments(deps.conversations, model))),
    ]);
    for (const [index, { row }] of batch.entries())
      writer.add({
        id: row.id,
        kind: row.kind,
        updatedAt: row.updatedAt,
        ...(row.peerAccountId ? { peerAccountId: row.peerAccountId } : {}),
        ...(row.request ? { request: true } : {}),
        ...(row.invitedBy ? { invitedBy: row.invitedBy } : {}),
        state: states[index]!,
        ...(segments[index]!.length > 0 ? { segments: segments[index] } : {}),
      });
  }
  const archive = writer.finish();
  const sealed = await encryptAttachment(archive);
  const blobId = await deps.blobs.upload({
    ciphertext: sealed.ciphertext,
    onProgress: (bytesDone, bytesTotal) => progress('uploading', bytesDone, bytesTotal),
  });
  const work = new UnitOfWork();
  deps.outbox.enqueue(work, {
    content: historyArchiveContent({
      forDeviceId: deviceId,
      blobId,
      key: sealed.key,
      digest: sealed.digest,
      size: sealed.ciphertext.length,
      conversations: total,
    }),
    recipientAccountIds: [],
    ownDevices: true,
  });
  await deps.commit(work);
  progress('done', sealed.ciphertext.length, sealed.ciphertext.length);
}

/** Downloads the archive and imports it a few chats per commit, from where a reload left off. */
export async function importArchive(
  deps: HistoryTransferDeps,
  archive: PendingArchive,
  report: Report,
): Promise<void> {
  const { size, conversations: total, imported } = archive;
  const sender = { accountId: archive.senderAccountId, deviceId: archive.senderDeviceId };
  const progress = (state: HistoryTransferView['state'], bytesDone: number, chatsDone: number) =>
    report({
      direction: 'receiving',
      state,
      bytesDone,
      bytesTotal: size,
      chatsDone,
      chatsTotal: total,
    });
  progress('downloading', 0, imported);
  const ciphertext = await deps.blobs.download(archive.blobId, size, (done) =>
    progress('downloading', done, imported),
  );
  const plaintext = await decryptAttachment(ciphertext, archive.key, archive.digest);
  const self = deps.device.account?.accountId;
  let done = 0;
  let work = new UnitOfWork();
  for (const conversation of decodeHistoryArchive(plaintext)) {
    if (done++ < imported) continue;
    await deps.conversations.ensure([conversation.id]);
    deps.importConversation(conversation, sender, work);
    const model = conversation.segments && deps.conversations.get(conversation.id);
    if (model && self) importSealed(deps.conversations, work, model, conversation.segments!, self);
    if (done % IMPORT_BATCH === 0) {
      await deps.commit(work);
      await deps.pending.progressed(done);
      work = new UnitOfWork();
      progress('importing', size, done);
    }
  }
  await deps.commit(work);
  await deps.pending.clear();
  progress('done', size, done);
}
