import { Dexie, type DexieOptions, type EntityTable } from 'dexie';
import type { Profile } from './profile.js';

/** Another account's profile as this device knows it. */
export interface KnownProfileRow {
  accountId: string;
  /** Their profile key, as their last ProfileKey Content gave it. */
  key: Uint8Array<ArrayBuffer>;
  /** The version that Content announced. */
  announcedVersion: number;
  /** The version decrypted into `profile`, when one was. */
  fetchedVersion?: number;
  profile?: Profile;
}

/** That this account sent its profile key, at `version`, to an account. */
export interface SharedKeyRow {
  accountId: string;
  version: number;
}

/** Where profiles survive restarts: an interface, with the Dexie database below. */
export interface ProfileStore {
  all(): Promise<{ known: KnownProfileRow[]; shared: SharedKeyRow[] }>;
  putKnown(row: KnownProfileRow): Promise<void>;
  putShared(rows: readonly SharedKeyRow[]): Promise<void>;
  removeShared(accountIds: readonly string[]): Promise<void>;
  close(): void;
}

class ProfileDatabase extends Dexie {
  known!: EntityTable<KnownProfileRow, 'accountId'>;
  shared!: EntityTable<SharedKeyRow, 'accountId'>;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    super(name, { ...options, cache: 'disabled' });
    this.version(1).stores({ known: 'accountId', shared: 'accountId' });
  }
}

/**
 * Profiles in their own IndexedDB database (`<device database>-profiles`), like the media cache:
 * nothing here must commit with messages. A key is written before the envelope that brought it
 * is acknowledged (the content handler awaits it); a profile lost to a crash is fetched again.
 */
export class DexieProfileStore implements ProfileStore {
  private readonly db: ProfileDatabase;

  constructor(name: string, options?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>) {
    this.db = new ProfileDatabase(name, options);
  }

  async all(): Promise<{ known: KnownProfileRow[]; shared: SharedKeyRow[] }> {
    const [known, shared] = await Promise.all([this.db.known.toArray(), this.db.shared.toArray()]);
    return { known, shared };
  }

  async putKnown(row: KnownProfileRow): Promise<void> {
    await this.db.known.put(row);
  }

  async putShared(rows: readonly SharedKeyRow[]): Promise<void> {
    await this.db.shared.bulkPut([...rows]);
  }

  async removeShared(accountIds: readonly string[]): Promise<void> {
    await this.db.shared.bulkDelete([...accountIds]);
  }

  close(): void {
    this.db.close();
  }
}
