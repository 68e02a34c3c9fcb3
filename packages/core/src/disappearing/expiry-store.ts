import { Dexie, type DexieOptions, type EntityTable } from 'dexie';

/** When one message of this device expires (its timer started: sent, or read here). */
export interface ExpiryRow {
  messageId: string;
  conversationId: string;
  /** ms since epoch, on the injected clock. */
  expiresAt: number;
}

/**
 * A blob this account uploaded for a message that expired here before its recipients read it:
 * deleted on the relay once a read receipt arrives (or by the relay's own expiry).
 */
export interface WaitingBlobRow {
  blobId: string;
  messageId: string;
}

/** Where expiry times survive restarts: an interface, with the Dexie database below. */
export interface ExpiryStore {
  /**
   * The `limit` earliest times, earliest first: the schedule holds only the next ones due
   * (expiry-schedule.ts), never every time stored.
   */
  earliest(limit: number): Promise<ExpiryRow[]>;
  /**
   * Stores those of `rows` whose message has no time stored yet, and returns them: a time once
   * stored is kept (a recipient's timer starts when it first reads, not each time it is seen).
   */
  putNew(rows: readonly ExpiryRow[]): Promise<ExpiryRow[]>;
  remove(messageIds: readonly string[]): Promise<void>;
  waitingBlobs(): Promise<WaitingBlobRow[]>;
  addWaitingBlobs(rows: readonly WaitingBlobRow[]): Promise<void>;
  removeWaitingBlobs(messageId: string): Promise<void>;
  close(): void;
}

class ExpiryDatabase extends Dexie {
  expiries!: EntityTable<ExpiryRow, 'messageId'>;
  waitingBlobs!: EntityTable<WaitingBlobRow, 'blobId'>;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    super(name, { ...options, cache: 'disabled' });
    this.version(1).stores({ expiries: 'messageId', waitingBlobs: 'blobId, messageId' });
    // The next times due are read in order (ExpiryStore.earliest), never all of them.
    this.version(2).stores({ expiries: 'messageId, expiresAt' });
  }
}

/**
 * The device's expiry times in their own IndexedDB database (`<device database>-disappearing`),
 * like the media cache: nothing here must commit with the messages. A time lost to a crash is
 * recomputed at the next start (Disappearing.load), never later than it would have been.
 */
export class DexieExpiryStore implements ExpiryStore {
  private readonly db: ExpiryDatabase;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    this.db = new ExpiryDatabase(name, options);
  }

  earliest(limit: number): Promise<ExpiryRow[]> {
    return this.db.expiries.orderBy('expiresAt').limit(limit).toArray();
  }

  putNew(rows: readonly ExpiryRow[]): Promise<ExpiryRow[]> {
    const { expiries } = this.db;
    return this.db.transaction('rw', expiries, async () => {
      const stored = await expiries.bulkGet(rows.map((row) => row.messageId));
      const fresh = rows.filter((_, index) => stored[index] === undefined);
      await expiries.bulkPut(fresh);
      return fresh;
    });
  }

  waitingBlobs(): Promise<WaitingBlobRow[]> {
    return this.db.waitingBlobs.toArray();
  }

  async remove(messageIds: readonly string[]): Promise<void> {
    await this.db.expiries.bulkDelete([...messageIds]);
  }

  async addWaitingBlobs(rows: readonly WaitingBlobRow[]): Promise<void> {
    await this.db.waitingBlobs.bulkPut([...rows]);
  }

  async removeWaitingBlobs(messageId: string): Promise<void> {
    await this.db.waitingBlobs.where('messageId').equals(messageId).delete();
  }

  close(): void {
    this.db.close();
  }
}
