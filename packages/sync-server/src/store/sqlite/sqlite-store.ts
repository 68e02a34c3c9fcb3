import { randomUUID } from 'node:crypto';
import { closeSync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ErrorCode, MAX_STORED_PREKEYS } from '@parley/protocol';
import { RelayError } from '../../errors.js';
import { buildQueries, type Queries } from '../queries.js';
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
import type { DeviceCredentials, RelayStore } from '../relay-store.js';
import { schemaStatements, sqliteFlavor, type RelayDatabase } from '../schema.js';
import { GroupCommitter, type CommitEvents } from './group-commit.js';
import { asBuffer, Prepared } from './prepared.js';
import { sweepOldRows } from './retention-sweep.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import type { DeviceRow, EntryRow } from './rows.js';
import { DeviceSetCache } from '../device-set-cache.js';

type PreparedQueries = {
  [K in keyof Queries]: Prepared<
    Parameters<Queries[K]['bind']>[0] extends Record<infer A, unknown> ? A & string : never
  >;
};

export interface StoreEvents extends CommitEvents {
  /** A background WAL checkpoint failed (the next one retries; the WAL grows meanwhile). */
  checkpointFailed(error: unknown): void;
}

/**
 * The embedded store: one better-sqlite3 connection in WAL mode. Reads run directly; every
 * write is a job of the GroupCommitter, so writes never interleave, and each one is durable
 * (its WAL frames fsynced) before its promise resolves.
 */
export class SqliteStore implements RelayStore {
  private readonly db: Database.Database;
  private readonly q: PreparedQueries;
  private readonly committer: GroupCommitter;
  private readonly checkpointer: WalCheckpointer;
  private readonly deviceSetCache = new DeviceSetCache();
  /** Entries per device mailbox, counted once from the table and then kept current. */
  private readonly depths = new Map<number, number>();
  private total: number;
  /**
   * The highest server id whose send is durable (its WAL fsynced). Reads of mailboxes stop
   * here: a committed entry whose sync is still running must not be pushed, or a power loss
   * could take back an entry a device already has while its sender, never acknowledged,
   * sends it again.
   */
  private durableServerId: number;
  /**
   * Acks waiting for the next group commit, by device row id. Mailbox reads skip them: a
   * device that acks and reconnects while a WAL sync holds the commit back must not be sent
   * again what it acked.
   */
  private readonly pendingAcks = new Map<number, Set<number>>();

  constructor(path: string, events: StoreEvents) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL: COMMIT does not fsync; the GroupCommitter fsyncs the WAL off the event loop
    // before any write is acknowledged (docs/decisions/0103-group-commit.md).
    this.db.pragma('synchronous = NORMAL');
    // Checkpoints run on a worker thread, not inside a COMMIT on the event loop (decision 0150).
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.pragma('foreign_keys = ON');
    const kysely = new Kysely<RelayDatabase>({ dialect: new SqliteDialect({ database: this.db }) });
    for (const statement of schemaStatements(kysely, sqliteFlavor)) this.db.exec(statement);
    const queries = buildQueries(kysely, sqliteFlavor);
    this.q = Object.fromEntries(
      Object.entries(queries).map(([name, query]) => [name, new Prepared(this.db, query)]),
    ) as PreparedQueries;
    this.committer = new GroupCommitter(this.db, `${path}-wal`, {
      ...events,
      commitFailed: (error) => {
        // In-memory counts may include the rolled-back batch: recount lazily.
        this.depths.clear();
        this.total = this.countAll();
        events.commitFailed(error);
      },
    });
    this.total = this.countAll();
    // What a crashed process left in the WAL may never have been synced: sync it once, and
    // everything present is durable.
    syncFile(`${path}-wal`);
    this.durableServerId = this.q.highestServerId.get<{ n: number | null }>({})!.n ?? 0;
    this.checkpointer = new WalCheckpointer(path, events.checkpointFailed);
  }

  createAccount(input: {
    username: string;
    identityKey: Uint8Array;
    device: DeviceKeys;
    secretHash: string;
  }): Promise<DeviceRef> {
    return this.committer.run(() => {
      if (this.q.accountByUsername.get({ username: input.username })) {
        throw new RelayError(ErrorCode.USERNAME_TAKEN, 'username is taken');
      }
      const accountId = randomUUID();
      const now = Date.now();
      this.q.insertAccount.run({
        id: accountId,
        username: input.username,
        identityKey: asBuffer(input.identityKey),
        now,
      });
      return this.insertDevice(accountId, 1, input.device, input.secretHash, now);
    });
  }

  async accountIdByUsername(username: string): Promise<string | undefined> {
    return this.q.accountByUsername.get<{ id: string }>({ username })?.id;
  }

  createLinkToken(accountId: string, tokenHash: Uint8Array, expiresAt: number): Promise<void> {
    return this.committer.run(() => {
      this.q.insertLinkToken.run({ tokenHash: asBuffer(tokenHash), accountId, expiresAt });
    });
  }

  addDevice(tokenHash: Uint8Array, device: DeviceKeys, secretHash: string): Promise<DeviceRef> {
    return this.committer.run(
      () => {
        const hash = asBuffer(tokenHash);
        const token = this.q.linkToken.get<{
          account_id: string;
          expires_at: number;
          used: number;
        }>({ tokenHash: hash });
        if (!token) throw new RelayError(ErrorCode.UNAUTHENTICATED, 'unknown link token');
        if (token.used || token.expires_at < Date.now()) {
          throw new RelayError(ErrorCode.CONFLICT, 'link token already used or expired');
        }
        const account = this.q.accountById.get<{ next_device_id: number }>({
          id: token.account_id,
        });
        if (!account) throw new RelayError(ErrorCode.NOT_FOUND, 'account no longer exists');
        this.q.useLinkToken.run({ tokenHash: hash });
        this.q.bumpNextDeviceId.run({ id: token.account_id });
        return this.insertDevice(
          token.account_id,
          account.next_device_id,
          device,
          secretHash,
          Date.now(),
        );
      },
      (ref) => this.deviceSetCache.invalidate(ref.accountId),
    );
  }

  async findDeviceCredentials(
    accountId: string,
    deviceId: number,
  ): Promise<DeviceCredentials | undefined> {
    const row = this.q.deviceByAddress.get<DeviceRow>({ accountId, deviceId });
    if (!row) return undefined;
    return { ref: { rowId: row.row_id, accountId, deviceId }, secretHash: row.secret_hash };
  }

  async listDevices(accountId: string): Promise<DeviceSummary[]> {
    return this.q.devicesOfAccount.all<DeviceRow>({ accountId }).map((row) => ({
      deviceId: row.device_id,
      name: row.name,
      registrationId: row.registration_id,
      createdAt: row.created_at,
    }));
  }

  removeDevice(accountId: string, deviceId: number): Promise<void> {
    return this.committer.run(
      () => {
        const devices = this.q.devicesOfAccount.all<DeviceRow>({ accountId });
        const row = devices.find((d) => d.device_id === deviceId);
        if (!row) throw new RelayError(ErrorCode.NOT_FOUND, 'no such device');
        if (devices.length === 1) {
          throw new RelayError(ErrorCode.CONFLICT, "cannot remove the account's last device");
        }
        const rowId = row.row_id;
        const dropped = this.q.deleteDeviceMailbox.run({ rowId });
        this.q.deleteDevicePreKeys.run({ rowId });
        this.q.deleteDeviceKyberPreKeys.run({ rowId });
        this.q.deleteDeviceSends.run({ rowId });
        this.q.deleteDevice.run({ rowId });
        this.total -= dropped;
        this.depths.delete(rowId);
      },
      () => this.deviceSetCache.invalidate(accountId),
    );
  }

  async deviceSets(
    accountIds: readonly string[],
  ): Promise<Map<string, ReadonlyMap<number, DeviceRef>>> {
    const sets = new Map<string, ReadonlyMap<number, DeviceRef>>();
    for (const accountId of accountIds) {
      const set = this.deviceSetCache.get(accountId, () => this.loadDeviceSet(accountId));
      if (set) sets.set(accountId, set);
    }
    return sets;
  }

  takePreKeyBundles(
    accountId: string,
    deviceId?: number,
  ): Promise<{ identityKey: Uint8Array; bundles: PreKeyBundle[] } | undefined> {
    return this.committer.run(() => {
      const account = this.q.accountById.get<{ identity_key: Buffer }>({ id: accountId });
      if (!account) return undefined;
      const devices = this.q.devicesOfAccount
        .all<DeviceRow>({ accountId })
        .filter((d) => deviceId === undefined || d.device_id === deviceId);
      if (devices.length === 0) return undefined;
      return { identityKey: account.identity_key, bundles: devices.map((d) => this.takeBundle(d)) };
    });
  }

  storePreKeys(device: DeviceRef, upload: PreKeyUpload): Promise<void> {
    return this.committer.run(() => {
      const rowId = device.rowId;
      if (upload.signedPreKey) {
        this.q.updateSignedPreKey.run({ rowId, ...signedArgs(upload.signedPreKey) });
      }
      if (upload.lastResortKyberPreKey) {
        this.q.updateLastResortKyber.run({ rowId, ...signedArgs(upload.lastResortKyberPreKey) });
      }
      for (const key of upload.oneTimePreKeys ?? []) {
        this.q.upsertPreKey.run({ rowId, keyId: key.keyId, publicKey: asBuffer(key.publicKey) });
      }
      for (const key of upload.kyberOneTimePreKeys ?? []) {
        this.q.upsertKyberPreKey.run({ rowId, ...signedArgs(key) });
      }
      const counts = this.countSync(rowId);
      if (Math.max(counts.oneTimePreKeys, counts.kyberOneTimePreKeys) > MAX_STORED_PREKEYS) {
        // Thrown inside the job's savepoint: nothing of this upload stays.
        throw new RelayError(
          ErrorCode.TOO_LARGE,
          `a device stores at most ${MAX_STORED_PREKEYS} one-time prekeys of each kind`,
        );
      }
    });
  }

  async countPreKeys(
    device: DeviceRef,
  ): Promise<{ oneTimePreKeys: number; kyberOneTimePreKeys: number }> {
    return this.countSync(device.rowId);
  }

  commitSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
  ): Promise<SendOutcome> {
    // writeSend throws only on storage failure (validation happened before), so no savepoint.
    return this.committer.runInfallible(
      () => this.writeSend(input, encodeResult),
      (outcome) => {
        // Batches become durable in commit order, so the last stored id is the new high mark.
        const last = outcome.stored.at(-1);
        if (last) this.durableServerId = Math.max(this.durableServerId, last.serverId);
        afterCommit(outcome);
      },
    );
  }

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    const rowId = device.rowId;
    const pending = this.pendingAcks.get(rowId) ?? new Set<number>();
    for (const serverId of serverIds) pending.add(serverId);
    this.pendingAcks.set(rowId, pending);
    this.committer.fireAndForget(() => {
      let deleted = 0;
      for (const serverId of serverIds) {
        deleted += this.q.deleteEntry.run({ rowId, serverId });
        pending.delete(serverId);
      }
      if (pending.size === 0) this.pendingAcks.delete(rowId);
      if (deleted === 0) return;
      this.total -= deleted;
      const depth = this.depths.get(rowId);
      if (depth !== undefined) this.depths.set(rowId, depth - deleted);
    });
  }

  /** Durable entries after `afterServerId`, without those acked in a commit still to come. */
  async readMailbox(
    device: DeviceRef,
    afterServerId: number,
    limit: number,
  ): Promise<StoredEnvelope[]> {
    const acked = this.pendingAcks.get(device.rowId);
    const rows = this.q.mailboxPage.all<EntryRow>({
      rowId: device.rowId,
      after: afterServerId,
      upTo: this.durableServerId,
      limit: limit + (acked?.size ?? 0),
    });
    return (acked ? rows.filter((row) => !acked.has(row.server_id)).slice(0, limit) : rows).map(
      (row) => ({
        serverId: row.server_id,
        destination: device,
        sourceAccountId: row.source_account_id,
        sourceDeviceId: row.source_device_id,
        clientId: row.client_id,
        type: row.type,
        serverTimestamp: row.server_timestamp,
        content: row.content,
      }),
    );
  }

  totalMailboxEntries(): number {
    return this.total;
  }

  /**
   * Sweeps the mailbox, then the idempotency records, from their old ends in short jobs
   * (retention-sweep.ts), then the expired link tokens.
   */
  async pruneExpired(cutoff: number, shouldStop: () => boolean = () => false): Promise<number> {
    const entries = await sweepOldRows(
      this.committer,
      this.q.entriesAfter,
      this.q.deleteEntryById,
      {
        cutoff,
        shouldStop,
        onDeleted: (n) => {
          this.depths.clear(); // recounted per device when next needed
          this.total -= n;
        },
      },
    );
    await sweepOldRows(this.committer, this.q.sendsAfter, this.q.deleteSendByOrder, {
      cutoff,
      shouldStop,
    });
    await this.committer.run(() => this.q.deleteExpiredLinkTokens.run({ cutoff: Date.now() }));
    return entries;
  }

  flush(): Promise<void> {
    return this.committer.flush();
  }

  async close(): Promise<void> {
    await this.committer.flush();
    this.committer.close();
    await this.checkpointer.stop();
    this.db.close();
  }

  private writeSend(input: SendInput, encodeResult: SendResultEncoder): SendOutcome {
    const { source, clientId } = input;
    const serverTimestamp = Date.now();
    const rejected: DeviceRef[] = [];
    const accepted = input.entries.filter((entry) => {
      const full = this.depth(entry.destination.rowId) >= this.mailboxCap;
      if (full) rejected.push(entry.destination);
      return !full;
    });
    const result = encodeResult(serverTimestamp, rejected);
    const fresh = this.q.insertSend.run({
      rowId: source.rowId,
      clientId,
      now: serverTimestamp,
      result: asBuffer(result),
    });
    if (fresh === 0) {
      const earlier = this.q.sendResult.get<{ result: Buffer }>({ rowId: source.rowId, clientId });
      return { result: earlier!.result, stored: [], duplicate: true };
    }
    const stored = accepted.map((entry): StoredEnvelope => {
      const serverId = this.q.insertEntry.insert({
        rowId: entry.destination.rowId,
        sourceAccountId: source.accountId,
        sourceDeviceId: source.deviceId,
        clientId,
        type: entry.type,
        serverTimestamp,
        content: asBuffer(entry.content),
      });
      this.depths.set(entry.destination.rowId, this.depth(entry.destination.rowId) + 1);
      return {
        serverId,
        destination: entry.destination,
        sourceAccountId: source.accountId,
        sourceDeviceId: source.deviceId,
        clientId,
        type: entry.type,
        serverTimestamp,
        content: entry.content,
      };
    });
    this.total += stored.length;
    return { result, stored, duplicate: false };
  }

  /** Set by the relay from its configuration (the store only enforces it). */
  mailboxCap = Number.POSITIVE_INFINITY;

  private depth(rowId: number): number {
    let depth = this.depths.get(rowId);
    if (depth === undefined) {
      depth = this.q.mailboxDepth.get<{ n: number }>({ rowId })!.n;
      this.depths.set(rowId, depth);
    }
    return depth;
  }

  private countAll(): number {
    return this.q.mailboxTotal.get<{ n: number }>({})!.n;
  }

  private countSync(rowId: number): { oneTimePreKeys: number; kyberOneTimePreKeys: number } {
    return {
      oneTimePreKeys: this.q.countPreKeys.get<{ n: number }>({ rowId })!.n,
      kyberOneTimePreKeys: this.q.countKyberPreKeys.get<{ n: number }>({ rowId })!.n,
    };
  }

  private loadDeviceSet(accountId: string): Map<number, DeviceRef> | undefined {
    const rows = this.q.devicesOfAccount.all<DeviceRow>({ accountId });
    if (rows.length === 0) return undefined;
    return new Map(
      rows.map((row) => [row.device_id, { rowId: row.row_id, accountId, deviceId: row.device_id }]),
    );
  }

  private insertDevice(
    accountId: string,
    deviceId: number,
    keys: DeviceKeys,
    secretHash: string,
    now: number,
  ): DeviceRef {
    const { row_id: rowId } = this.q.insertDevice.get<{ row_id: number }>({
      account_id: accountId,
      device_id: deviceId,
      registration_id: keys.registrationId,
      name: keys.name,
      secret_hash: secretHash,
      signed_prekey_id: keys.signedPreKey.keyId,
      signed_prekey: asBuffer(keys.signedPreKey.publicKey),
      signed_prekey_signature: asBuffer(keys.signedPreKey.signature),
      last_resort_kyber_id: keys.lastResortKyberPreKey.keyId,
      last_resort_kyber_key: asBuffer(keys.lastResortKyberPreKey.publicKey),
      last_resort_kyber_signature: asBuffer(keys.lastResortKyberPreKey.signature),
      created_at: now,
    } as Record<string, unknown> as never)!;
    for (const key of keys.oneTimePreKeys) {
      this.q.upsertPreKey.run({ rowId, keyId: key.keyId, publicKey: asBuffer(key.publicKey) });
    }
    for (const key of keys.kyberOneTimePreKeys) {
      this.q.upsertKyberPreKey.run({ rowId, ...signedArgs(key) });
    }
    this.depths.set(rowId, 0);
    return { rowId, accountId, deviceId };
  }

  /** One bundle, consuming the lowest one-time EC and Kyber prekeys (within the caller's job). */
  private takeBundle(device: DeviceRow): PreKeyBundle {
    const rowId = device.row_id;
    const preKey = this.q.firstPreKey.get<{ key_id: number; public_key: Buffer }>({ rowId });
    if (preKey) this.q.deletePreKey.run({ rowId, keyId: preKey.key_id });
    const kyber = this.q.firstKyberPreKey.get<{
      key_id: number;
      public_key: Buffer;
      signature: Buffer;
    }>({ rowId });
    if (kyber) this.q.deleteKyberPreKey.run({ rowId, keyId: kyber.key_id });
    return {
      deviceId: device.device_id,
      registrationId: device.registration_id,
      signedPreKey: {
        keyId: device.signed_prekey_id,
        publicKey: device.signed_prekey,
        signature: device.signed_prekey_signature,
      },
      ...(preKey && { preKey: { keyId: preKey.key_id, publicKey: preKey.public_key } }),
      kyberPreKey: kyber
        ? { keyId: kyber.key_id, publicKey: kyber.public_key, signature: kyber.signature }
        : {
            keyId: device.last_resort_kyber_id,
            publicKey: device.last_resort_kyber_key,
            signature: device.last_resort_kyber_signature,
          },
    };
  }
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

function signedArgs(key: { keyId: number; publicKey: Uint8Array; signature: Uint8Array }) {
  return {
    keyId: key.keyId,
    publicKey: asBuffer(key.publicKey),
    signature: asBuffer(key.signature),
  };
}
