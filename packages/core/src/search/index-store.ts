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

class IndexDatabase extends Dexie {
  snapshots!: EntityTable<SnapshotRow, 'key'>;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    super(name, options);
    this.version(1).stores({ snapshots: 'key' });
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

  close(): void {
    this.db.close();
  }
}
