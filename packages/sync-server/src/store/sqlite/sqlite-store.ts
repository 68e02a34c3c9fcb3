import { closeSync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { buildQueries } from '../queries.js';
import type {
  DeviceKeys,
  DeviceRef,
  DeviceSummary,
  PreKeyBundle,
  PreKeyUpload,
  SendCallback,
  SendInput,
  SendOutcome,
  SendResultEncoder,
  StoredEnvelope,
} from '../records.js';
import type { DeviceCredentials, NewAccount, RelayStore } from '../relay-store.js';
import {
  addedColumns,
  lateStatements,
  schemaStatements,
  sendsTable,
  sqliteFlavor,
  type RelayDatabase,
} from '../schema.js';
import { DeviceDirectory } from './device-directory.js';
import { GroupCommitter, type CommitEvents } from './group-commit.js';
import { MailboxTables } from './mailbox-tables.js';
import { Prepared, type PreparedQueries } from './prepared.js';
import { rekeySends } from './sends-rekey.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface StoreEvents extends CommitEvents {
  /** A background WAL checkpoint failed (the next one retries; the WAL grows meanwhile). */
  checkpointFailed(error: unknown): void;
  /** A purge of removed devices' records failed (the next removal or start resumes it). */
  purgeFailed(error: unknown): void;
}

/**
 * The embedded store: one better-sqlite3 connection in WAL mode. Reads run directly; every
 * write is a job of the GroupCommitter, so writes never interleave, and each one is durable
 * (its WAL frames fsynced) before its promise resolves. Accounts, devices and prekeys live in
 * the DeviceDirectory, mailboxes and sends in the MailboxTables.
 */
export class SqliteStore implements RelayStore {
  private readonly db: Database.Database;
  private readonly committer: GroupCommitter;
  private readonly checkpointer: WalCheckpointer;
  private readonly mailboxes: MailboxTables;
  private readonly directory: DeviceDirectory;

  constructor(path: string, events: StoreEvents) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = openDatabase(path);
    const q = prepareQueries(this.db);
    this.committer = new GroupCommitter(this.db, `${path}-wal`, {
      ...events,
      commitFailed: (error) => {
        this.mailboxes.recount();
        events.commitFailed(error);
      },
    });
    // What a crashed process left in the WAL may never have been synced: sync it once, and
    // everything present is durable.
    syncFile(`${path}-wal`);
    this.mailboxes = new MailboxTables(q, this.committer);
    this.directory = new DeviceDirectory(q, this.committer, this.mailboxes);
    // The committer runs jobs in order: every registration waits behind this one.
    this.directory.claimMissingSkeletons().catch(events.commitFailed);
    // A purge a crash cut short resumes (0156).
    this.mailboxes.purgeSends().catch(events.purgeFailed);
    this.checkpointer = new WalCheckpointer(path, events.checkpointFailed);
  }

  /** Set by the relay from its configuration (the store only enforces it). */
  get mailboxCap(): number {
    return this.mailboxes.mailboxCap;
  }

  set mailboxCap(cap: number) {
    this.mailboxes.mailboxCap = cap;
  }

  createAccount(input: NewAccount): Promise<DeviceRef> {
    return this.directory.createAccount(input);
  }

  async accountIdByUsername(username: string): Promise<string | undefined> {
    return this.directory.accountIdByUsername(username);
  }

  createLinkToken(accountId: string, tokenHash: Uint8Array, expiresAt: number): Promise<void> {
    return this.directory.createLinkToken(accountId, tokenHash, expiresAt);
  }

  addDevice(
    tokenHash: Uint8Array,
    device: DeviceKeys,
    secretHash: string,
    now: number,
  ): Promise<DeviceRef> {
    return this.directory.addDevice(tokenHash, device, secretHash, now);
  }

  async findDeviceCredentials(
    accountId: string,
    deviceId: number,
  ): Promise<DeviceCredentials | undefined> {
    return this.directory.findDeviceCredentials(accountId, deviceId);
  }

  async listDevices(accountId: string): Promise<DeviceSummary[]> {
    return this.directory.listDevices(accountId);
  }

  renameDevice(accountId: string, deviceId: number, sealedName: string): Promise<void> {
    return this.directory.renameDevice(accountId, deviceId, sealedName);
  }

  markDeviceActive(rowId: number, day: number): Promise<void> {
    return this.directory.markDeviceActive(rowId, day);
  }

  removeDevice(accountId: string, deviceId: number): Promise<void> {
    return this.directory.removeDevice(accountId, deviceId);
  }

  deleteAccount(accountId: string): Promise<number[]> {
    return this.directory.deleteAccount(accountId);
  }

  purgeRemovedDevices(): Promise<void> {
    return this.mailboxes.purgeSends();
  }

  async deviceSets(
    accountIds: readonly string[],
  ): Promise<Map<string, ReadonlyMap<number, DeviceRef>>> {
    return this.directory.deviceSets(accountIds);
  }

  /** Reads on a cache miss are synchronous here: always at hand. */
  deviceSetsNow(accountIds: readonly string[]): Map<string, ReadonlyMap<number, DeviceRef>> {
    return this.directory.deviceSets(accountIds);
  }

  /** One process owns a SQLite database, so its cache never lags: the cached sets are fresh. */
  freshDeviceSets(
    accountIds: readonly string[],
  ): Promise<Map<string, ReadonlyMap<number, DeviceRef>>> {
    return this.deviceSets(accountIds);
  }

  takePreKeyBundles(
    accountId: string,
    deviceId?: number,
  ): Promise<{ identityKey: Uint8Array; bundles: PreKeyBundle[] } | undefined> {
    return this.directory.takePreKeyBundles(accountId, deviceId);
  }

  storePreKeys(device: DeviceRef, upload: PreKeyUpload): Promise<void> {
    return this.directory.storePreKeys(device, upload);
  }

  async countPreKeys(
    device: DeviceRef,
  ): Promise<{ oneTimePreKeys: number; kyberOneTimePreKeys: number }> {
    return this.directory.countPreKeys(device.rowId);
  }

  commitSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
  ): Promise<SendOutcome> {
    return this.mailboxes.commitSend(input, encodeResult, afterCommit);
  }

  enqueueSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
    done: SendCallback,
  ): void {
    this.mailboxes.enqueueSend(input, encodeResult, afterCommit, done);
  }

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    this.mailboxes.acknowledge(device, serverIds);
  }

  async readMailbox(
    device: DeviceRef,
    afterServerId: number,
    limit: number,
  ): Promise<StoredEnvelope[]> {
    return this.mailboxes.readMailbox(device, afterServerId, limit);
  }

  totalMailboxEntries(): number {
    return this.mailboxes.totalMailboxEntries();
  }

  /**
   * Sweeps the mailbox, then the idempotency records, from their old ends in short jobs
   * (retention-sweep.ts).
   */
  async pruneExpired(cutoff: number, shouldStop: () => boolean = () => false): Promise<number> {
    return this.mailboxes.pruneExpired(cutoff, shouldStop);
  }

  async pruneLapsed(now: number, shouldStop: () => boolean = () => false): Promise<number> {
    const entries = await this.mailboxes.pruneLapsed(now, shouldStop);
    await this.directory.deleteExpiredLinkTokens(now);
    return entries;
  }

  flush(): Promise<void> {
    return this.committer.flush();
  }

  async close(): Promise<void> {
    await this.mailboxes.stopPurging();
    await this.committer.flush();
    this.committer.close();
    await this.checkpointer.stop();
    this.db.close();
  }
}

/** Opens the connection in WAL mode with commits left to the GroupCommitter. */
function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL: COMMIT does not fsync; the GroupCommitter fsyncs the WAL off the event loop
  // before any write is acknowledged (docs/decisions/0103-group-commit.md).
  db.pragma('synchronous = NORMAL');
  // Checkpoints run on a worker thread, not inside a COMMIT on the event loop (decision 0150).
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Creates the schema if it is missing, adds the columns an older database lacks (SQLite has no
 * ADD COLUMN IF NOT EXISTS: the table's columns are looked up), rekeys an older `sends`, then
 * prepares every query once.
 */
function prepareQueries(db: Database.Database): PreparedQueries {
  const kysely = new Kysely<RelayDatabase>({ dialect: new SqliteDialect({ database: db }) });
  for (const statement of schemaStatements(kysely, sqliteFlavor)) db.exec(statement);
  for (const { table, column, type } of addedColumns) {
    const columns = db.pragma(`table_info(${table})`) as { name: string }[];
    if (!columns.some((c) => c.name === column)) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
  }
  for (const statement of lateStatements(kysely)) db.exec(statement);
  rekeySends(db, sendsTable(kysely, sqliteFlavor, 'sends_rekeyed').compile().sql);
  const queries = buildQueries(kysely, sqliteFlavor);
  return Object.fromEntries(
    Object.entries(queries).map(([name, query]) => [name, new Prepared(db, query)]),
  ) as PreparedQueries;
}

/** fdatasync of a file if it exists (startup only: blocks). */
function syncFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return; // no WAL yet
  }
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
