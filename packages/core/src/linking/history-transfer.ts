import type { HistoryArchive } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import type { LocalDevice } from '../account/local-device.js';
import type { Conversations } from '../conversations/conversations.js';
import type { Sender } from '../delivery/inbox.js';
import type { OutboxQueue } from '../delivery/content-handler.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { Snapshot } from '../facade/observable.js';
import type { BlobTransfer } from '../media/blob-transfer.js';
import type { ArchivedConversation } from './history-archive.js';
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
    // The packing code loads when a link is served, not with the first paint.
    const { packAndSend } = await import('./history-packing.js');
    await packAndSend(this.deps, deviceId, (view) => this.set(view));
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
    const { importArchive } = await import('./history-packing.js');
    await importArchive(this.deps, archive, (view) => this.set(view));
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
