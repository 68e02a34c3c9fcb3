import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { buildQueries } from '../queries.js';
import type {
  DeviceKeys,
  DeviceRef,
  DeviceSummary,
  PreKeyBundle,
  PreKeyUpload,
  SendInput,
  SendOutcome,
  SendResultEncoder,
  StoredEnvelope,
} from '../records.js';
import type { DeviceCredentials, NewAccount, RelayStore } from '../relay-store.js';
import {
  addedColumns,
  lateStatements,
  postgresFlavor,
  schemaStatements,
  type RelayDatabase,
} from '../schema.js';
import { PgDeviceDirectory } from './device-directory.js';
import { PgGroupCommitter, type PgCommitEvents } from './group-commit.js';
import { PgMailboxTables } from './mailbox-tables.js';
import { migrate } from './migrate.js';
import { rekeySends } from './sends-rekey.js';
import { buildPgQueries, preparePgQueries } from './pg-queries.js';
import { createPool } from './pool.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

export interface PgStoreEvents extends PgCommitEvents {
  /** An idle pooled connection failed (the pool replaces it). */
  connectionFailed?(error: unknown): void;
  /** A purge of removed devices' records failed (the next removal or start resumes it). */
  purgeFailed(error: unknown): void;
}

/**
 * The PostgreSQL store (docs/decisions/0160-postgresql-store.md): the schema and statements of
 * the SQLite store compiled by Kysely's PostgreSQL dialect, a few set-based and row-locking
 * statements of its own (pg-queries.ts), a `pg` pool, and the same group commit: one write
 * transaction per event-loop turn (or per commit in flight), answered after COMMIT.
 */
export class PostgresStore implements RelayStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly kysely: Kysely<RelayDatabase>,
    private readonly committer: PgGroupCommitter,
    private readonly mailboxes: PgMailboxTables,
    private readonly directory: PgDeviceDirectory,
  ) {}

  /** Connects, brings the schema up to date (under an advisory lock) and counts the mailboxes. */
  static async open(
    url: string,
    events: PgStoreEvents,
    { poolSize = 10 }: PostgresStoreOptions = {},
  ): Promise<PostgresStore> {
    const pool = createPool(url, { size: poolSize, onError: events.connectionFailed });
    try {
      const kysely = new Kysely<RelayDatabase>({ dialect: new PostgresDialect({ pool }) });
      await migrate(pool, [
        ...schemaStatements(kysely, postgresFlavor),
        ...addedColumns.map(
          ({ table, column, type }) =>
            `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`,
        ),
        ...lateStatements(kysely),
        rekeySends,
      ]);
      const q = preparePgQueries(buildQueries(kysely, postgresFlavor), buildPgQueries(kysely));
      const committer = new PgGroupCommitter(pool, events);
      const mailboxes = new PgMailboxTables(q, pool, committer, events);
      await mailboxes.load();
      const directory = new PgDeviceDirectory(q, kysely, pool, committer, mailboxes, events);
      await directory.claimMissingSkeletons();
      // A purge a crash cut short resumes (0156); it runs beside the relay's work.
      mailboxes.purgeSends().catch(events.purgeFailed);
      return new PostgresStore(pool, kysely, committer, mailboxes, directory);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
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

  accountIdByUsername(username: string): Promise<string | undefined> {
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

  findDeviceCredentials(
    accountId: string,
    deviceId: number,
  ): Promise<DeviceCredentials | undefined> {
    return this.directory.findDeviceCredentials(accountId, deviceId);
  }

  listDevices(accountId: string): Promise<DeviceSummary[]> {
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

  deviceSets(accountIds: readonly string[]): Promise<Map<string, ReadonlyMap<number, DeviceRef>>> {
    return this.directory.deviceSets(accountIds);
  }

  deviceSetsNow(
    accountIds: readonly string[],
  ): Map<string, ReadonlyMap<number, DeviceRef>> | undefined {
    return this.directory.cachedDeviceSets(accountIds);
  }

  freshDeviceSets(
    accountIds: readonly string[],
  ): Promise<Map<string, ReadonlyMap<number, DeviceRef>>> {
    for (const accountId of accountIds) this.directory.forgetDeviceSet(accountId);
    return this.directory.deviceSets(accountIds);
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

  countPreKeys(
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

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    this.mailboxes.acknowledge(device, serverIds);
  }

  readMailbox(device: DeviceRef, afterServerId: number, limit: number): Promise<StoredEnvelope[]> {
    return this.mailboxes.readMailbox(device, afterServerId, limit);
  }

  /** This process's count: exact with one relay; with several, each sees its own writes only. */
  totalMailboxEntries(): number {
    return this.mailboxes.totalMailboxEntries();
  }

  async pruneExpired(cutoff: number, shouldStop: () => boolean = () => false): Promise<number> {
    return this.mailboxes.pruneExpired(cutoff, shouldStop);
  }

  async pruneLapsed(now: number, shouldStop: () => boolean = () => false): Promise<number> {
    const entries = await this.mailboxes.pruneLapsed(now, shouldStop);
    await this.directory.deleteExpiredLinkTokens(now);
    return entries;
  }

  /** Another relay process changed this account's devices (decision 0161). */
  forgetDeviceSet(accountId: string): void {
    this.directory.forgetDeviceSet(accountId);
  }

  flush(): Promise<void> {
    return this.committer.flush();
  }

  async close(): Promise<void> {
    await this.mailboxes.stopPurging();
    await this.committer.flush();
    await this.committer.close();
    await this.kysely.destroy(); // ends the pool
  }
}
