import { randomBytes } from 'node:crypto';
import { ErrorCode } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { DeviceRef } from '../store/records.js';
import type { BlobIndex, BlobRow } from './blob-index.js';
import type { BlobStorage } from './blob-storage.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Expired blobs deleted per sweep step. */
const SWEEP_BATCH = 200;

export interface BlobLimits {
  /** Largest declared ciphertext length of one blob. */
  maxBytes: number;
  /** Bytes one account may hold in unexpired blobs. */
  quotaBytes: number;
  /** Days from the start of an upload until the sweeper deletes the blob. */
  expiryDays: number;
}

/**
 * The relay's rules for blobs, apart from HTTP: who may create, resume, read and delete which
 * blob, the size cap and quota, and expiry. Times come from `now` so tests can move the clock.
 */
export class BlobService {
  constructor(
    readonly index: BlobIndex,
    readonly storage: BlobStorage,
    readonly limits: BlobLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh unguessable id: 128 random bits as 32 hex digits (BLOB_ID_PATTERN). */
  static newId(): string {
    return randomBytes(16).toString('hex');
  }

  /** Refuses a new upload of `size` bytes that is too large or would pass the account's quota. */
  async checkNewUpload(accountId: string, size: number): Promise<void> {
    if (size > this.limits.maxBytes) {
      throw new RelayError(
        ErrorCode.TOO_LARGE,
        `blob of ${size} bytes is larger than the cap of ${this.limits.maxBytes}`,
      );
    }
    const held = await this.index.bytesHeld(accountId, this.now());
    if (held + size > this.limits.quotaBytes) {
      throw new RelayError(
        ErrorCode.QUOTA_EXCEEDED,
        `account holds ${held} blob bytes; ${size} more would pass its quota of ${this.limits.quotaBytes}`,
      );
    }
  }

  async recordUpload(id: string, owner: DeviceRef, size: number): Promise<void> {
    const createdAt = this.now();
    await this.index.insert({
      id,
      accountId: owner.accountId,
      size,
      complete: false,
      createdAt,
      expiresAt: createdAt + this.limits.expiryDays * DAY_MS,
    });
  }

  /** The blob when `device`'s account owns it (resuming or deleting); FORBIDDEN otherwise. */
  async ownedBy(id: string, device: DeviceRef): Promise<BlobRow> {
    const row = await this.live(id);
    if (row.accountId !== device.accountId) {
      throw new RelayError(ErrorCode.FORBIDDEN, 'this blob belongs to another account');
    }
    return row;
  }

  /**
   * A finished, unexpired blob for download. Any authenticated device may read it: the id is
   * the capability, handed out only inside end-to-end encrypted messages (decision 0630).
   */
  async readable(id: string): Promise<BlobRow> {
    const row = await this.live(id);
    if (!row.complete) throw new RelayError(ErrorCode.NOT_FOUND, 'blob upload not finished');
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.storage.remove(id);
    await this.index.remove([id]);
  }

  /**
   * Deletes every blob the account uploaded (its account is being deleted): recipients who
   * have not downloaded an attachment yet can no longer, as when its sender deletes it.
   */
  async deleteAllOf(accountId: string): Promise<void> {
    const ids = await this.index.idsOf(accountId);
    for (const id of ids) await this.storage.remove(id);
    await this.index.remove(ids);
  }

  /** Deletes every blob expired by now; resolves with how many. */
  async sweepExpired(shouldStop: () => boolean = () => false): Promise<number> {
    let deleted = 0;
    for (;;) {
      const ids = await this.index.expired(this.now(), SWEEP_BATCH);
      for (const id of ids) await this.storage.remove(id);
      await this.index.remove(ids);
      deleted += ids.length;
      if (ids.length < SWEEP_BATCH || shouldStop()) return deleted;
    }
  }

  private async live(id: string): Promise<BlobRow> {
    const row = await this.index.find(id);
    if (!row || row.expiresAt <= this.now()) {
      throw new RelayError(ErrorCode.NOT_FOUND, 'no such blob');
    }
    return row;
  }
}
