import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { databaseKind, sqlitePath } from '../config.js';
import { createPool } from '../store/postgres/pool.js';
import type { RelayDatabase } from '../store/schema.js';

export interface BlobRow {
  id: string;
  accountId: string;
  /** Declared ciphertext length (Upload-Length). */
  size: number;
  complete: boolean;
  createdAt: number;
  expiresAt: number;
}

/**
 * The `blobs` table (store/schema.ts, created with the rest of the schema by the relay's store):
 * who owns each blob, its size for quotas, and its expiry. One Kysely query layer serves SQLite
 * and PostgreSQL; blob writes are rare (two per file), so they use their own connection (SQLite:
 * a second connection on the same WAL database, synchronous=FULL; PostgreSQL: a small pool)
 * instead of the mailbox's group commit.
 */
export class BlobIndex {
  private constructor(private readonly db: Kysely<RelayDatabase>) {}

  static open(databaseUrl: string): BlobIndex {
    if (databaseKind(databaseUrl) === 'postgres') {
      const pool = createPool(databaseUrl, { size: 2 });
      return new BlobIndex(new Kysely({ dialect: new PostgresDialect({ pool }) }));
    }
    const database = new Database(sqlitePath(databaseUrl));
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = FULL');
    return new BlobIndex(new Kysely({ dialect: new SqliteDialect({ database }) }));
  }

  async insert(row: BlobRow): Promise<void> {
    await this.db
      .insertInto('blobs')
      .values({
        id: row.id,
        account_id: row.accountId,
        size: row.size,
        complete: row.complete ? 1 : 0,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
      })
      .execute();
  }

  async markComplete(id: string): Promise<void> {
    await this.db.updateTable('blobs').set({ complete: 1 }).where('id', '=', id).execute();
  }

  async find(id: string): Promise<BlobRow | undefined> {
    const row = await this.db
      .selectFrom('blobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && fromRow(row);
  }

  /** Bytes the account holds in blobs not yet expired at `now` (finished or not). */
  async bytesHeld(accountId: string, now: number): Promise<number> {
    const row = await this.db
      .selectFrom('blobs')
      .select(sql<number | string | null>`sum(size)`.as('total'))
      .where('account_id', '=', accountId)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  /** Up to `limit` ids of blobs expired at `now`, oldest first. */
  async expired(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('blobs')
      .select('id')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  /** Ids of every blob the account uploaded (finished, unfinished or expired). */
  async idsOf(accountId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('blobs')
      .select('id')
      .where('account_id', '=', accountId)
      .execute();
    return rows.map((row) => row.id);
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.db.deleteFrom('blobs').where('id', 'in', ids).execute();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}

function fromRow(row: {
  id: string;
  account_id: string;
  size: number | string;
  complete: number;
  created_at: number | string;
  expires_at: number | string;
}): BlobRow {
  return {
    id: row.id,
    accountId: row.account_id,
    size: Number(row.size),
    complete: row.complete === 1,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}
