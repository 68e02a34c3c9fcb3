import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/utils';

/**
 * Where blob bytes live. The tus server writes through `dataStore`; downloads read through
 * `read`. Files under the data directory by default; an S3-compatible store fits the same
 * shape (@tus/s3-store as the DataStore, a ranged GetObject as `read`).
 */
export interface BlobStorage {
  readonly dataStore: DataStore;
  /** The blob's bytes from `start` (a resumed download) to its end. */
  read(id: string, start: number): Readable;
  /** Deletes the blob's bytes and whatever the store keeps beside them; absent is fine. */
  remove(id: string): Promise<void>;
}

/** Blobs as files in one directory (tus FileStore: `<id>` plus its `<id>.json` upload record). */
export class FileBlobStorage implements BlobStorage {
  readonly dataStore: FileStore;

  private constructor(private readonly directory: string) {
    this.dataStore = new FileStore({ directory });
  }

  static async open(directory: string): Promise<FileBlobStorage> {
    await mkdir(directory, { recursive: true });
    return new FileBlobStorage(directory);
  }

  read(id: string, start: number): Readable {
    return createReadStream(join(this.directory, id), { start });
  }

  async remove(id: string): Promise<void> {
    try {
      await this.dataStore.remove(id);
    } catch (error) {
      // The tus store reports a missing file as its FILE_NOT_FOUND response object.
      if ((error as { status_code?: number }).status_code !== 404) throw error;
      await this.dataStore.configstore.delete(id);
    }
  }
}
