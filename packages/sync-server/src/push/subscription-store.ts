import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { databaseKind, sqlitePath } from '../config.js';
import { createPool } from '../store/postgres/pool.js';
import type { RelayDatabase } from '../store/schema.js';

/** A device's push subscription: what `PushSubscription.toJSON()` names (RFC 8291 keys). */
export interface PushSubscriptionRecord {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/**
 * The `push_subscriptions` table (store/schema.ts, created with the rest of the schema; the
 * device directory deletes a device's row with the device). Writes are rare (a subscription
 * changes when the browser rotates it), so, like the blob index, this uses its own connection
 * rather than the mailbox's group commit. One row per device: a refresh replaces it.
 */
export class PushSubscriptionStore {
  private constructor(private readonly db: Kysely<RelayDatabase>) {}

  static open(databaseUrl: string): PushSubscriptionStore {
    if (databaseKind(databaseUrl) === 'postgres') {
      const pool = createPool(databaseUrl, { size: 2 });
      return new PushSubscriptionStore(new Kysely({ dialect: new PostgresDialect({ pool }) }));
    }
    const database = new Database(sqlitePath(databaseUrl));
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = FULL');
    return new PushSubscriptionStore(new Kysely({ dialect: new SqliteDialect({ database }) }));
  }

  async put(deviceRowId: number, subscription: PushSubscriptionRecord, now: number): Promise<void> {
    const values = {
      endpoint: subscription.endpoint,
      p256dh: subscription.keys.p256dh,
      auth: subscription.keys.auth,
      updated_at: now,
    };
    await this.db
      .insertInto('push_subscriptions')
      .values({ device_row_id: deviceRowId, ...values })
      .onConflict((conflict) => conflict.column('device_row_id').doUpdateSet(values))
      .execute();
  }

  async find(deviceRowId: number): Promise<PushSubscriptionRecord | undefined> {
    const row = await this.db
      .selectFrom('push_subscriptions')
      .select(['endpoint', 'p256dh', 'auth'])
      .where('device_row_id', '=', deviceRowId)
      .executeTakeFirst();
    return row && { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } };
  }

  /**
   * Deletes the device's subscription; with `endpoint`, only if it is still that one (a push
   * service's 410 for an old endpoint must not delete the subscription that replaced it).
   */
  async remove(deviceRowId: number, endpoint?: string): Promise<void> {
    let query = this.db.deleteFrom('push_subscriptions').where('device_row_id', '=', deviceRowId);
    if (endpoint !== undefined) query = query.where('endpoint', '=', endpoint);
    await query.execute();
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
