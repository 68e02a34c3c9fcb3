import { MAX_BLOB_BYTES } from '@parley/protocol';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { ParleyError } from '../errors.js';
import { Snapshot } from '../facade/observable.js';
import { ciphertextLength, decryptAttachment, encryptAttachment } from './attachment-cipher.js';
import {
  attachmentKind,
  isRefusedType,
  type AttachmentPointer,
  type AttachmentPreview,
} from './attachment-pointer.js';
import type { BlobTransfer } from './blob-transfer.js';
import type { MediaStore, PendingUpload } from './media-cache.js';

/** A file to send, with what the sender's device prepared for display. */
export interface AttachmentInput extends AttachmentPreview {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
  fileName?: string;
  /** A recorded voice message (shown with a waveform), not an audio file. */
  voice?: boolean;
  /** The recipient may open it once (disappearing/view-once.ts); no thumbnail travels with it. */
  viewOnce?: boolean;
}

/** One upload or download in progress (or just failed), for progress bars. */
export interface TransferView {
  /** Uploads: a local id; downloads: the blob id. */
  id: string;
  direction: 'upload' | 'download';
  conversationId?: string;
  fileName?: string;
  kind: AttachmentPointer['kind'];
  bytesDone: number;
  bytesTotal: number;
  state: 'active' | 'failed';
  /** With 'failed': the ParleyError code (e.g. QUOTA_EXCEEDED). */
  error?: string;
}

export interface MediaDeps {
  store: MediaStore;
  transfer: BlobTransfer;
  /** Appends the message carrying the uploaded attachment under `messageId` (Composer.sendText). */
  post(
    conversationId: string,
    caption: string,
    attachments: AttachmentPointer[],
    messageId: string,
    extras?: { forwarded?: boolean },
  ): Promise<string>;
  onError(error: unknown): void;
}

/**
 * Attachments end to end: encrypt on this device, upload (resumable, also after a reload: the
 * ciphertext waits in the media store until its upload is done), then post the message with the
 * pointer; on the other side download, check, decrypt and cache. Transfers are observable.
 */
export class Media {
  readonly transfers = new Snapshot<readonly TransferView[]>(() => [...this.active.values()]);
  private readonly active = new Map<string, TransferView>();
  private readonly aborts = new Map<string, AbortController>();
  private readonly downloads = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();
  private closing = false;

  constructor(private readonly deps: MediaDeps) {}

  /**
   * Encrypts and uploads the file, then sends it as a message; resolves with the message id.
   * Refusals: UNSUPPORTED_TYPE, ATTACHMENT_TOO_LARGE, QUOTA_EXCEEDED (also shown in transfers).
   * The pending upload is kept under the message's id, and the message is posted under it: an
   * upload resumed after a reload and a repeated send (same `messageId`) post one message.
   */
  async send(
    conversationId: string,
    input: AttachmentInput,
    caption = '',
    messageId: string = crypto.randomUUID(),
    options: { forwarded?: boolean } = {},
  ): Promise<string> {
    if (isRefusedType(input.contentType, input.fileName)) {
      throw new ParleyError(
        'UNSUPPORTED_TYPE',
        `files of type ${input.contentType || 'unknown'} cannot be sent`,
      );
    }
    if (ciphertextLength(input.bytes.length) > MAX_BLOB_BYTES) {
      throw new ParleyError(
        'ATTACHMENT_TOO_LARGE',
        `files up to ${MAX_BLOB_BYTES / 2 ** 20} MB can be sent`,
      );
    }
    const { key, ciphertext, digest } = await encryptAttachment(input.bytes);
    const { bytes: _plaintext, voice, ...given } = input;
    // A view-once file shows nothing of itself before it is opened: no thumbnail or placeholder.
    const { thumbnail: _thumbnail, placeholder: _placeholder, ...withoutPreview } = given;
    const shown = input.viewOnce ? { ...withoutPreview, viewOnce: true } : given;
    const pending: PendingUpload = {
      id: messageId,
      conversationId,
      ciphertext,
      pointer: {
        ...shown,
        key: toBase64(key),
        digest: toBase64(digest),
        size: input.bytes.length,
        kind: attachmentKind(input.contentType, voice),
      },
      caption,
      ...(options.forwarded ? { forwarded: true } : {}),
      createdAt: Date.now(),
    };
    await this.deps.store.savePending(pending);
    return this.upload(pending, input.bytes);
  }

  /** Resumes uploads a reload interrupted (called when the messenger opens). */
  async resumePending(): Promise<void> {
    for (const pending of await this.deps.store.pending()) {
      void this.upload(pending).catch(() => undefined);
    }
  }

  /** Cancels an upload or download, or dismisses a failed one; its transfer disappears. */
  cancel(transferId: string): void {
    const abort = this.aborts.get(transferId);
    if (abort) abort.abort();
    else this.untrack(transferId); // a failed transfer: dismissed
  }

  /** The decrypted file: from the cache, else downloaded (progress in transfers) and cached. */
  open(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer>> {
    let download = this.downloads.get(pointer.blobId);
    if (!download) {
      download = this.fetchAndOpen(pointer).finally(() => this.downloads.delete(pointer.blobId));
      this.downloads.set(pointer.blobId, download);
    }
    return download;
  }

  /** The decrypted file if it is in the cache (no network). */
  cached(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer> | undefined> {
    return this.deps.store.get(pointer.blobId);
  }

  /** Deletes this device's cached copy only (delete for me, an expired message: others keep theirs). */
  async forget(pointer: AttachmentPointer): Promise<void> {
    this.cancel(pointer.blobId);
    await this.deps.store.remove(pointer.blobId);
  }

  /**
   * Deletes an attachment's media everywhere this device can: its cached copy here and, when
   * this account uploaded it, its blob on the relay (others' blobs are refused there and expire).
   * Delete-for-everyone and disappearing messages call it for each attachment of the message.
   */
  async deleteEverywhere(pointer: Pick<AttachmentPointer, 'blobId'>): Promise<void> {
    this.cancel(pointer.blobId);
    await this.deps.store.remove(pointer.blobId);
    await this.deps.transfer.delete(pointer.blobId);
  }

  /** Stops every transfer (uploads resume at the next open) and closes the media store. */
  close(): void {
    this.closing = true;
    for (const abort of this.aborts.values()) abort.abort();
    this.deps.store.close();
  }

  private async upload(
    pending: PendingUpload,
    plaintext?: Uint8Array<ArrayBuffer>,
  ): Promise<string> {
    const view: TransferView = {
      id: pending.id,
      direction: 'upload',
      conversationId: pending.conversationId,
      ...(pending.pointer.fileName ? { fileName: pending.pointer.fileName } : {}),
      kind: pending.pointer.kind,
      bytesDone: 0,
      bytesTotal: pending.ciphertext.length,
      state: 'active',
    };
    const abort = this.track(view);
    try {
      const blobId = await this.deps.transfer.upload({
        ciphertext: pending.ciphertext,
        ...(pending.uploadUrl ? { resumeUrl: pending.uploadUrl } : {}),
        signal: abort.signal,
        onProgress: (done) => this.progress(view, done),
        onUploadUrl: (url) =>
          void this.deps.store.setUploadUrl(pending.id, url).catch(this.deps.onError),
      });
      const pointer: AttachmentPointer = { blobId, ...pending.pointer };
      const messageId = await this.deps.post(
        pending.conversationId,
        pending.caption,
        [pointer],
        pending.id,
        pending.forwarded ? { forwarded: true } : {},
      );
      await this.deps.store.finishPending(pending.id);
      // The sender never opens its own view-once file: nothing of it is kept here.
      if (!pointer.viewOnce)
        await this.deps.store.put(blobId, plaintext ?? (await this.plaintextOf(pointer, pending)));
      this.untrack(view.id);
      return messageId;
    } catch (error) {
      this.fail(view, error);
      if (!this.closing && error instanceof ParleyError && error.code !== 'RELAY_UNREACHABLE') {
        // Refused for good or cancelled: nothing left to resume.
        await this.deps.store.finishPending(pending.id);
      }
      throw error;
    }
  }

  private plaintextOf(pointer: AttachmentPointer, pending: PendingUpload) {
    return decryptAttachment(
      pending.ciphertext,
      fromBase64(pointer.key),
      fromBase64(pointer.digest),
    );
  }

  private async fetchAndOpen(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer>> {
    const cached = await this.deps.store.get(pointer.blobId);
    if (cached) return cached;
    const view: TransferView = {
      id: pointer.blobId,
      direction: 'download',
      ...(pointer.fileName ? { fileName: pointer.fileName } : {}),
      kind: pointer.kind,
      bytesDone: 0,
      bytesTotal: ciphertextLength(pointer.size),
      state: 'active',
    };
    const abort = this.track(view);
    try {
      const ciphertext = await this.deps.transfer.download(
        pointer.blobId,
        view.bytesTotal,
        (done) => this.progress(view, done),
        abort.signal,
      );
      const plaintext = await decryptAttachment(
        ciphertext,
        fromBase64(pointer.key),
        fromBase64(pointer.digest),
      );
      await this.deps.store.put(pointer.blobId, plaintext);
      this.untrack(view.id);
      return plaintext;
    } catch (error) {
      this.fail(view, error);
      throw error;
    }
  }

  private track(view: TransferView): AbortController {
    const abort = new AbortController();
    abort.signal.addEventListener('abort', () => this.untrack(view.id));
    this.aborts.set(view.id, abort);
    this.active.set(view.id, view);
    this.transfers.invalidate();
    return abort;
  }

  private progress(view: TransferView, bytesDone: number): void {
    view.bytesDone = bytesDone;
    this.active.set(view.id, { ...view });
    this.transfers.invalidate();
  }

  private fail(view: TransferView, error: unknown): void {
    this.aborts.delete(view.id);
    if (error instanceof ParleyError && error.code === 'TRANSFER_CANCELLED') return;
    const code = error instanceof ParleyError ? error.code : 'RELAY_UNREACHABLE';
    this.active.set(view.id, { ...view, state: 'failed', error: code });
    this.transfers.invalidate();
  }

  private untrack(id: string): void {
    this.aborts.delete(id);
    if (this.active.delete(id)) this.transfers.invalidate();
  }
}
