import {
  sql,
  type ColumnDataType,
  type CreateTableBuilder,
  type Generated,
  type Kysely,
} from 'kysely';

/**
 * The relay's tables, in Kysely's terms. Column types stay within what SQLite and PostgreSQL
 * share; the only dialect differences (binary type, auto-increment ids) live in SqlFlavor.
 * Times are milliseconds since the Unix epoch.
 */
export interface RelayDatabase {
  accounts: {
    id: string;
    username: string;
    identity_key: Uint8Array;
    next_device_id: number;
    created_at: number;
  };
  devices: {
    row_id: Generated<number>;
    account_id: string;
    device_id: number;
    registration_id: number;
    /** The sealed device name (base64), opaque to the relay. */
    name: string | null;
    secret_hash: string;
    signed_prekey_id: number;
    signed_prekey: Uint8Array;
    signed_prekey_signature: Uint8Array;
    last_resort_kyber_id: number;
    last_resort_kyber_key: Uint8Array;
    last_resort_kyber_signature: Uint8Array;
    created_at: number;
    /** Start (UTC) of the last day the device connected: kept to the day, no finer. */
    last_active_at: number | null;
  };
  one_time_prekeys: { device_row_id: number; key_id: number; public_key: Uint8Array };
  kyber_prekeys: {
    device_row_id: number;
    key_id: number;
    public_key: Uint8Array;
    signature: Uint8Array;
  };
  /**
   * One row per registered name's skeleton (usernameSkeleton in @parley/protocol): its primary
   * key is what refuses look-alikes of an existing name, on both dialects and across processes.
   */
  username_skeletons: { skeleton: string; account_id: string };
  link_tokens: { token_hash: Uint8Array; account_id: string; expires_at: number; used: number };
  mailbox: {
    server_id: Generated<number>;
    device_row_id: number;
    source_account_id: string;
    source_device_id: number;
    client_id: string;
    type: number;
    server_timestamp: number;
    content: Uint8Array;
    /** When the entry lapses undelivered (SendRequest.ttl_seconds); null: only retention. */
    expires_at: number | null;
  };
  /** Idempotency records: one per (source device, client id), holding the encoded SendResult. */
  sends: {
    source_device_row_id: number;
    client_id: string;
    created_at: number;
    result: Uint8Array;
  };
  /**
   * Encrypted attachment blobs (src/blobs/): who uploaded each, its declared ciphertext length,
   * whether the upload finished, and when the sweeper deletes it. No plaintext, no names.
   */
  blobs: {
    id: string;
    account_id: string;
    size: number;
    complete: number;
    created_at: number;
    expires_at: number;
  };
  /**
   * Web Push subscriptions (src/push/): at most one per device, what the browser's
   * PushSubscription names (endpoint and its RFC 8291 keys). Deleted with the device.
   */
  push_subscriptions: {
    device_row_id: number;
    endpoint: string;
    p256dh: string;
    auth: string;
    updated_at: number;
  };
  /**
   * Encrypted profiles (src/profiles/, decision 0345): one opaque ciphertext per account and its
   * version, which only grows. Deleted with the account.
   */
  profiles: {
    account_id: string;
    version: number;
    ciphertext: Uint8Array;
    updated_at: number;
  };
  /** Removed devices whose idempotency records wait for the purger (sends-purger.ts, 0156). */
  purged_devices: {
    row_id: number;
  };
}

/** What differs between dialects in DDL. */
export interface SqlFlavor {
  binary: ColumnDataType;
  /** Adds a monotonically increasing (never reused) integer primary key column. */
  serialPrimaryKey<T extends string>(
    table: CreateTableBuilder<T, never>,
    column: string,
  ): CreateTableBuilder<T, string>;
  /**
   * A column expression ordering the `sends` table's rows as they were inserted (oldest
   * first), so retention can delete from the old end without an index on `created_at`.
   */
  insertionOrder: string;
  /** Adds the column behind `insertionOrder` to `sends` where the dialect has no implicit one. */
  addInsertionOrder<T extends string>(
    table: CreateTableBuilder<T, string>,
  ): CreateTableBuilder<T, string>;
  /** Extra DDL the dialect needs (indexes behind `insertionOrder`), run after the tables. */
  extraStatements(db: Kysely<RelayDatabase>): { compile(): { sql: string } }[];
}

export const sqliteFlavor: SqlFlavor = {
  binary: 'blob',
  // AUTOINCREMENT: without it SQLite may reuse the largest id after deletes, and clients and
  // the push cursor rely on server ids never going backwards.
  serialPrimaryKey: (table, column) =>
    table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()),
  insertionOrder: 'rowid',
  addInsertionOrder: (table) => table,
  extraStatements: () => [],
};

/**
 * PostgreSQL: bytea, identity columns (a sequence: never reused, never going backwards) and,
 * since PostgreSQL has no rowid, an identity column `seq` on `sends` with its own index.
 * Identity columns are bigint; the store's type parser turns int8 into safe JS numbers.
 */
export const postgresFlavor: SqlFlavor = {
  binary: 'bytea',
  serialPrimaryKey: (table, column) =>
    table.addColumn(column, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity()),
  insertionOrder: 'seq',
  addInsertionOrder: (table) =>
    table.addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity()),
  extraStatements: (db) => [
    db.schema
      .createIndex('sends_by_seq')
      .ifNotExists()
      .on('sends')
      .column('seq' as never),
  ],
};

/**
 * The idempotency records of sends, under `name` (a rebuild creates it under another name).
 * Keyed by client id first: clients send time-ordered ids (UUIDv7), so new records land at the
 * key's end instead of on a random page of it per send (0156).
 */
export function sendsTable(db: Kysely<RelayDatabase>, flavor: SqlFlavor, name: string) {
  return flavor
    .addInsertionOrder(
      db.schema
        .createTable(name)
        .ifNotExists()
        .addColumn('source_device_row_id', 'bigint', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('result', flavor.binary, (c) => c.notNull()),
    )
    .addPrimaryKeyConstraint(`${name}_pk`, ['client_id', 'source_device_row_id']);
}

/** The DDL statements creating the schema (idempotent: IF NOT EXISTS everywhere). */
export function schemaStatements(db: Kysely<RelayDatabase>, flavor: SqlFlavor): string[] {
  const { binary } = flavor;
  const s = db.schema;
  const statements = [
    s
      .createTable('accounts')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('identity_key', binary, (c) => c.notNull())
      .addColumn('next_device_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull()),
    flavor
      .serialPrimaryKey(s.createTable('devices').ifNotExists(), 'row_id')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('device_id', 'integer', (c) => c.notNull())
      .addColumn('registration_id', 'integer', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('signed_prekey_id', 'bigint', (c) => c.notNull())
      .addColumn('signed_prekey', binary, (c) => c.notNull())
      .addColumn('signed_prekey_signature', binary, (c) => c.notNull())
      .addColumn('last_resort_kyber_id', 'bigint', (c) => c.notNull())
      .addColumn('last_resort_kyber_key', binary, (c) => c.notNull())
      .addColumn('last_resort_kyber_signature', binary, (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_active_at', 'bigint')
      .addUniqueConstraint('devices_account_device', ['account_id', 'device_id']),
    s
      .createTable('one_time_prekeys')
      .ifNotExists()
      .addColumn('device_row_id', 'bigint', (c) => c.notNull())
      .addColumn('key_id', 'bigint', (c) => c.notNull())
      .addColumn('public_key', binary, (c) => c.notNull())
      .addPrimaryKeyConstraint('one_time_prekeys_pk', ['device_row_id', 'key_id']),
    s
      .createTable('kyber_prekeys')
      .ifNotExists()
      .addColumn('device_row_id', 'bigint', (c) => c.notNull())
      .addColumn('key_id', 'bigint', (c) => c.notNull())
      .addColumn('public_key', binary, (c) => c.notNull())
      .addColumn('signature', binary, (c) => c.notNull())
      .addPrimaryKeyConstraint('kyber_prekeys_pk', ['device_row_id', 'key_id']),
    s
      .createTable('username_skeletons')
      .ifNotExists()
      .addColumn('skeleton', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull()),
    s
      .createTable('link_tokens')
      .ifNotExists()
      .addColumn('token_hash', binary, (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull()),
    flavor
      .serialPrimaryKey(s.createTable('mailbox').ifNotExists(), 'server_id')
      .addColumn('device_row_id', 'bigint', (c) => c.notNull())
      .addColumn('source_account_id', 'text', (c) => c.notNull())
      .addColumn('source_device_id', 'integer', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('type', 'integer', (c) => c.notNull())
      .addColumn('server_timestamp', 'bigint', (c) => c.notNull())
      .addColumn('content', binary, (c) => c.notNull())
      .addColumn('expires_at', 'bigint'),
    s
      .createIndex('mailbox_by_device')
      .ifNotExists()
      .on('mailbox')
      .columns(['device_row_id', 'server_id']),
    sendsTable(db, flavor, 'sends'),
    ...flavor.extraStatements(db),
    s
      .createTable('blobs')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('complete', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull()),
    s.createIndex('blobs_by_account').ifNotExists().on('blobs').column('account_id'),
    s.createIndex('blobs_by_expiry').ifNotExists().on('blobs').column('expires_at'),
    s
      .createTable('push_subscriptions')
      .ifNotExists()
      .addColumn('device_row_id', 'bigint', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('p256dh', 'text', (c) => c.notNull())
      .addColumn('auth', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull()),
    s
      .createTable('purged_devices')
      .ifNotExists()
      .addColumn('row_id', 'bigint', (c) => c.primaryKey()),
    s
      .createTable('profiles')
      .ifNotExists()
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('ciphertext', binary, (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull()),
  ];
  return statements.map((statement) => statement.compile().sql);
}

/**
 * Columns added to a table after its first release. A new database gets them from
 * schemaStatements; an older one gets them when a store opens (ALTER TABLE ... ADD COLUMN:
 * nullable, so existing rows need no value). Each store runs lateStatements afterwards.
 */
export const addedColumns: readonly { table: string; column: string; type: string }[] = [
  { table: 'mailbox', column: 'expires_at', type: 'bigint' },
  { table: 'devices', column: 'last_active_at', type: 'bigint' },
];

/** DDL on added columns: it can run only once they exist (idempotent). */
export function lateStatements(db: Kysely<RelayDatabase>): string[] {
  return [
    // Partial: only entries with a time to live (call signals), which the expiry sweep deletes.
    db.schema
      .createIndex('mailbox_by_expiry')
      .ifNotExists()
      .on('mailbox')
      .column('expires_at')
      .where(sql.ref('expires_at'), 'is not', null),
  ].map((statement) => statement.compile().sql);
}
