import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import type { AttachmentPointer } from './attachment-pointer.js';

/** Decrypted attachments kept on this device, least recently used evicted past the bound. */
export const DEFAULT_MEDIA_CACHE_BYTES = 256 * 1024 * 1024;

/** What eviction reads: small rows, apart from the bytes. */
interface CacheEntry {
  blobId: string;
  size: number;
  usedAt: number;
}

interface CachedFile {
  blobId: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** An upload that has not finished: enough to resume it after a reload. */
export interface PendingUpload {
  /** The id of the message that will carry the file (older rows: a random one). */
  id: string;
  conversationId: string;
  ciphertext: Uint8Array<ArrayBuffer>;
  /** The pointer without its blob id (known once the upload is done). */
  pointer: Omit<AttachmentPointer, 'blobId'>;
  caption: string;
  /** A forwarded file (rich/): the message is marked so. */
  forwarded?: boolean;
  uploadUrl?: string;
  createdAt: number;
}

class MediaDatabase extends Dexie {
  entries!: EntityTable<CacheEntry, 'blobId'>;
  files!: EntityTable<CachedFile, 'blobId'>;
  uploads!: EntityTable<PendingUpload, 'id'>;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    super(name, { ...options, cache: 'disabled' });
    this.version(1).stores({
      entries: 'blobId, usedAt',
      files: 'blobId',
      uploads: 'id, createdAt',
    });
  }
}

/**
 * The device's media store: its own IndexedDB database (`<device database>-media`), apart from
 * the messages (nothing here needs to commit with them). Holds the decrypted-file cache with a
 * byte bound, and the uploads in progress.
 */
export class MediaStore {
  private readonly db: MediaDatabase;

  constructor(
    name: string,
    options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>,
    private readonly maxBytes = DEFAULT_MEDIA_CACHE_BYTES,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new MediaDatabase(name, options);
  }

  async get(blobId: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const file = await this.db.files.get(blobId);
    if (!file) return undefined;
    await this.db.entries.update(blobId, { usedAt: this.now() });
    return file.bytes;
  }

  /** Stores a decrypted file, then evicts the least recently used past the bound. */
  async put(blobId: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
    if (bytes.length > this.maxBytes) return;
    await this.db.transaction('rw', this.db.entries, this.db.files, async () => {
      await this.db.files.put({ blobId, bytes });
      await this.db.entries.put({ blobId, size: bytes.length, usedAt: this.now() });
    });
    await this.evict();
  }

  async remove(blobId: string): Promise<void> {
    await this.db.transaction('rw', this.db.entries, this.db.files, async () => {
      await this.db.files.delete(blobId);
      await this.db.entries.delete(blobId);
    });
  }

  async cachedBytes(): Promise<number> {
    let total = 0;
    await this.db.entries.each((row) => (total += row.size));
    return total;
  }

  savePending(upload: PendingUpload): Promise<string> {
    return this.db.uploads.put(upload);
  }

  async setUploadUrl(id: string, uploadUrl: string): Promise<void> {
    await this.db.uploads.update(id, { uploadUrl });
  }

  pending(): Promise<PendingUpload[]> {
    return this.db.uploads.orderBy('createdAt').toArray();
  }

  async finishPending(id: string): Promise<void> {
    await this.db.uploads.delete(id);
  }

  close(): void {
    this.db.close();
  }

  private async evict(): Promise<void> {
    let total = await this.cachedBytes();
    if (total <= this.maxBytes) return;
    for (const row of await this.db.entries.orderBy('usedAt').toArray()) {
      if (total <= this.maxBytes) break;
      await this.remove(row.blobId);
      total -= row.size;
    }
  }
}
