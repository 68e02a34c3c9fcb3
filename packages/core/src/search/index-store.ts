import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import { INDEX_FORMAT, type SerializedIndex } from './message-index.js';

/**
 * Where the search index persists: its own IndexedDB database beside the device's
 * (`${databaseName}-search`), so the index can be dropped and rebuilt from the messages at any
 * time without touching the device's schema, and a Web Worker can own it alone.
 */

interface SnapshotRow extends SerializedIndex {
  key: 'index';
  savedAt: number;
}

/**
 * A message to index anew from its row at the next restore: changed by a thread that keeps no
 * index (deferred-index.ts), or edited here while the saved index does not hold the edit yet.
 */
interface PendingRow {
  seq?: number;
  messageId: string;
}

/** Messages to index anew, and the keys of their entries (to clear exactly those). */
export interface PendingChanges {
  messageIds: string[];
  seqs: number[];
}

class IndexDatabase extends Dexie {
  snapshots!: EntityTable<SnapshotRow, 'key'>;
  pending!: EntityTable<PendingRow, 'seq'>;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    super(name, options);
    this.version(1).stores({ snapshots: 'key' });
    this.version(2).stores({ pending: '++seq' });
  }
}

export function searchDatabaseName(databaseName: string): string {
  return `${databaseName}-search`;
}

export class IndexStore {
  private readonly db: IndexDatabase;

  constructor(databaseName: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    this.db = new IndexDatabase(searchDatabaseName(databaseName), options);
  }

  /** The saved index, unless none was saved or it has an older format (then it is rebuilt). */
  async load(): Promise<SerializedIndex | undefined> {
    const row = await this.db.snapshots.get('index');
    return row && row.format === INDEX_FORMAT ? row : undefined;
  }

  async save(index: SerializedIndex): Promise<void> {
    await this.db.snapshots.put({ key: 'index', savedAt: Date.now(), ...index });
  }

  /** Records messages the next restore indexes anew; the keys of the entries written. */
  addPending(messageIds: readonly string[]): Promise<number[]> {
    return this.db.pending.bulkAdd(
      messageIds.map((messageId) => ({ messageId })),
      { allKeys: true },
    ) as Promise<number[]>;
  }

  async pending(): Promise<PendingChanges> {
    const rows = await this.db.pending.toArray();
    return {
      messageIds: [...new Set(rows.map((row) => row.messageId))],
      seqs: rows.map((row) => row.seq!),
    };
  }

  /** Forgets pending entries by key (entries another thread added meanwhile stay). */
  async clearPending(seqs: readonly number[]): Promise<void> {
    if (seqs.length > 0) await this.db.pending.bulkDelete([...seqs]);
  }

  close(): void {
    this.db.close();
  }
}
