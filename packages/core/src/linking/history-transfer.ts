import type { HistoryArchive } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { LocalDevice } from '../account/local-device.js';
import type { Conversations } from '../conversations/conversations.js';
import { historyArchiveContent } from '../delivery/contents.js';
import type { Sender } from '../delivery/inbox.js';
import type { OutboxQueue } from '../delivery/content-handler.js';
import { Snapshot } from '../facade/observable.js';
import { decryptAttachment, encryptAttachment } from '../media/attachment-cipher.js';
import type { BlobTransfer } from '../media/blob-transfer.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import {
  decodeHistoryArchive,
  encodeHistoryArchive,
  type ArchivedConversation,
} from './history-archive.js';
import type { PendingArchive, PendingHistory } from './pending-history.js';

/** The history transfer of a link, on either side (Messenger.linkHistory). */
export interface HistoryTransferView {
  direction: 'sending' | 'receiving';
  state: 'packing' | 'uploading' | 'downloading' | 'importing' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number;
  chatsDone: number;
  chatsTotal: number;
}

/** Conversations imported per commit: the newest chats show while older ones still arrive. */
const IMPORT_BATCH = 5;
/** How long after approving a link this device still serves the new device its history. */
const SERVE_WINDOW_MS = 15 * 60 * 1000;

export interface HistoryTransferDeps {
  device: LocalDevice;
  conversations: Conversations;
  blobs: Pick<BlobTransfer, 'upload' | 'download'>;
  outbox: OutboxQueue;
  /** The new device's import in progress, kept across restarts. */
  pending: PendingHistory;
  commit(work: UnitOfWork): Promise<void>;
  importConversation(archived: ArchivedConversation, sender: Sender, work: UnitOfWork): void;
  onError(error: unknown): void;
}

/**
 * History for a newly linked device (decision 0350). The device that approved the link waits for
 * the new device's first hello, then packs every conversation's compacted state, newest first,
 * into one archive, seals it like an attachment, uploads it to the relay's blob store and sends
 * the new device the pointer over their Signal session. The new device downloads it and imports
 * it a few chats per commit, newest first: it is usable (and receiving) the whole time. What the
 * new device expects, the pointer and the progress are kept (pending-history.ts): a reload
 * mid-import resumes where the last commit left off (resume()).
 */
export class HistoryTransfer {
  private current: HistoryTransferView | null = null;
  private approvedAt: number | undefined;
  private importing = false;
  readonly view = new Snapshot<HistoryTransferView | null>(() => this.current);

  constructor(
    private readonly deps: HistoryTransferDeps,
    private readonly now: () => number = Date.now,
  ) {}

  /** Approving side: a link was approved; the next new own device gets the history. */
  approved(): void {
    this.approvedAt = this.now();
  }

  /** New side: only an archive from the device that linked this one is taken. */
  expectFrom(deviceId: number): Promise<void> {
    return this.deps.pending.expect(deviceId);
  }

  /** New side, on start: an import a reload or a closed tab interrupted goes on. */
  async resume(): Promise<void> {
    const row = await this.deps.pending.get();
    if (row?.archive) this.importArchive(row.archive);
  }

  ownDeviceJoined(sender: Sender): void {
    if (this.approvedAt === undefined || this.now() - this.approvedAt > SERVE_WINDOW_MS) return;
    this.approvedAt = undefined;
    this.send(sender.deviceId).catch((error: unknown) => this.fail(error));
  }

  /** Resolves once the pointer is stored: its envelope is acknowledged only after that. */
  async archiveArrived(archive: HistoryArchive, sender: Sender): Promise<void> {
    const self = this.deps.device.account?.deviceId;
    const row = await this.deps.pending.get();
    if (archive.forDeviceId !== self || !row || row.archive) return;
    if (sender.deviceId !== row.expectedFrom) return;
    this.importArchive(await this.deps.pending.arrived(row, archive, sender));
  }

  private async send(deviceId: number): Promise<void> {
    const models = [...this.deps.conversations.all()].sort(
      (a, b) => b.row.updatedAt - a.row.updatedAt,
    );
    const total = models.length;
    this.set({
      direction: 'sending',
      state: 'packing',
      bytesDone: 0,
      bytesTotal: 0,
      chatsDone: 0,
      chatsTotal: total,
    });
    // Every document is packed: read those not read yet (0821).
    await this.deps.conversations.ensure(models.map((model) => model.row.id));
    const { sealedSegments } = await import('../history/archive-segments.js');
    const segments = await Promise.all(
      models.map((model) => sealedSegments(this.deps.conversations, model)),
    );
    const archive = encodeHistoryArchive(
      models.map((model, index) => ({
        id: model.row.id,
        kind: model.row.kind,
        updatedAt: model.row.updatedAt,
        ...(model.row.peerAccountId ? { peerAccountId: model.row.peerAccountId } : {}),
        ...(model.row.request ? { request: true } : {}),
        ...(model.row.invitedBy ? { invitedBy: model.row.invitedBy } : {}),
        state: model.doc.snapshot(),
        ...(segments[index]!.length > 0 ? { segments: segments[index] } : {}),
      })),
    );
    const sealed = await encryptAttachment(archive);
    const blobId = await this.deps.blobs.upload({
      ciphertext: sealed.ciphertext,
      onProgress: (bytesDone, bytesTotal) =>
        this.set({
          direction: 'sending',
          state: 'uploading',
          bytesDone,
          bytesTotal,
          chatsDone: 0,
          chatsTotal: total,
        }),
    });
    const work = new UnitOfWork();
    this.deps.outbox.enqueue(work, {
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
    await this.deps.commit(work);
    const size = sealed.ciphertext.length;
    this.set({
      direction: 'sending',
      state: 'done',
      bytesDone: size,
      bytesTotal: size,
      chatsDone: total,
      chatsTotal: total,
    });
  }

  private importArchive(archive: PendingArchive): void {
    if (this.importing) return;
    this.importing = true;
    this.receive(archive)
      .catch(async (error: unknown) => {
        // Gone from the relay or damaged: it will never import; anything else is tried again.
        const hopeless =
          error instanceof ParleyError &&
          (error.code === 'ATTACHMENT_GONE' || error.code === 'ATTACHMENT_CORRUPT');
        if (hopeless) await this.deps.pending.clear();
        this.fail(error);
      })
      .catch((error: unknown) => this.deps.onError(error))
      .finally(() => (this.importing = false));
  }

  private async receive(archive: PendingArchive): Promise<void> {
    const { size, conversations: total, imported } = archive;
    const sender = { accountId: archive.senderAccountId, deviceId: archive.senderDeviceId };
    const progress = (state: HistoryTransferView['state'], bytesDone: number, chatsDone: number) =>
      this.set({
        direction: 'receiving',
        state,
        bytesDone,
        bytesTotal: size,
        chatsDone,
        chatsTotal: total,
      });
    progress('downloading', 0, imported);
    const ciphertext = await this.deps.blobs.download(archive.blobId, size, (done) =>
      progress('downloading', done, imported),
    );
    const plaintext = await decryptAttachment(ciphertext, archive.key, archive.digest);
    let done = 0;
    let work = new UnitOfWork();
    for (const conversation of decodeHistoryArchive(plaintext)) {
      if (done++ < imported) continue;
      await this.deps.conversations.ensure([conversation.id]);
      this.deps.importConversation(conversation, sender, work);
      if (conversation.segments)
        await this.importSealed(conversation.id, conversation.segments, work);
      if (done % IMPORT_BATCH === 0) {
        await this.deps.commit(work);
        await this.deps.pending.progressed(done);
        work = new UnitOfWork();
        progress('importing', size, done);
      }
    }
    await this.deps.commit(work);
    await this.deps.pending.clear();
    progress('done', size, done);
  }

  /** The archived conversation's sealed segments (history/archive-segments.ts). */
  private async importSealed(
    conversationId: string,
    segments: readonly Uint8Array[],
    work: UnitOfWork,
  ): Promise<void> {
    const model = this.deps.conversations.get(conversationId);
    const self = this.deps.device.account?.accountId;
    if (!model || !self) return;
    const { importSealed } = await import('../history/archive-segments.js');
    importSealed(this.deps.conversations, work, model, segments, self);
  }

  private fail(error: unknown): void {
    if (this.current) this.set({ ...this.current, state: 'failed' });
    this.deps.onError(error);
  }

  private set(view: HistoryTransferView): void {
    this.current = view;
    this.view.invalidate();
  }
}
