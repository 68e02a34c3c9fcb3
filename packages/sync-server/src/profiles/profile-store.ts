import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { databaseKind, sqlitePath } from '../config.js';
import { createPool } from '../store/postgres/pool.js';
import type { RelayDatabase } from '../store/schema.js';

export interface StoredProfile {
  version: number;
  ciphertext: Uint8Array;
}

/**
 * The `profiles` table (store/schema.ts, created with the rest of the schema by the relay's
 * store): one opaque encrypted profile per account (decision 0345). Writes happen when a person
 * edits a profile, so, like the blob index, this uses its own connection rather than the
 * mailbox's group commit.
 */
export class ProfileStore {
  private constructor(private readonly db: Kysely<RelayDatabase>) {}

  static open(databaseUrl: string): ProfileStore {
    if (databaseKind(databaseUrl) === 'postgres') {
      const pool = createPool(databaseUrl, { size: 2 });
      return new ProfileStore(new Kysely({ dialect: new PostgresDialect({ pool }) }));
    }
    const database = new Database(sqlitePath(databaseUrl));
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = FULL');
    return new ProfileStore(new Kysely({ dialect: new SqliteDialect({ database }) }));
  }

  /**
   * Stores the profile when `profile.version` is above the stored one (or none is stored);
   * returns false, changing nothing, otherwise. One statement, so two devices of one account
   * writing at once cannot interleave a read and a write.
   */
  async put(accountId: string, profile: StoredProfile, now: number): Promise<boolean> {
    const values = { version: profile.version, ciphertext: profile.ciphertext, updated_at: now };
    const result = await this.db
      .insertInto('profiles')
      .values({ account_id: accountId, ...values })
      .onConflict((conflict) =>
        conflict
          .column('account_id')
          .doUpdateSet(values)
          .where('profiles.version', '<', profile.version),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async find(accountId: string): Promise<StoredProfile | undefined> {
    const row = await this.db
      .selectFrom('profiles')
      .select(['version', 'ciphertext'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row && { version: Number(row.version), ciphertext: row.ciphertext };
  }

  async remove(accountId: string): Promise<void> {
    await this.db.deleteFrom('profiles').where('account_id', '=', accountId).execute();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
