import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_STORED_PREKEYS, usernameSkeleton } from '@parley/protocol';
import { usernameTaken } from '../username-claims.js';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { RelayError } from '../../errors.js';
import { DeviceSetCache } from '../device-set-cache.js';
import type {
  DeviceKeys,
  DeviceRef,
  DeviceSummary,
  PreKey,
  PreKeyBundle,
  PreKeyUpload,
  SignedPreKey,
} from '../records.js';
import type { DeviceCredentials, NewAccount } from '../relay-store.js';
import type { RelayDatabase } from '../schema.js';
import type { PgCommitEvents, PgGroupCommitter } from './group-commit.js';
import type { PgMailboxTables } from './mailbox-tables.js';
import type { PgQueries } from './pg-queries.js';
import type { DeviceRow } from '../rows.js';

type MailboxCounts = Pick<PgMailboxTables, 'deviceAdded' | 'deviceRemoved'>;

/**
 * Accounts, link tokens, devices and prekeys on PostgreSQL: the SQLite directory's logic with
 * awaited statements. Writes are group-commit jobs; reads go to the pool. Where several relay
 * processes could race, rows are locked (a link token FOR UPDATE, one-time prekeys taken with
 * SKIP LOCKED) or the unique index decides (usernames).
 */
export class PgDeviceDirectory {
  private readonly deviceSetCache = new DeviceSetCache();

  constructor(
    private readonly q: PgQueries,
    private readonly db: Kysely<RelayDatabase>,
    private readonly pool: pg.Pool,
    private readonly committer: PgGroupCommitter,
    private readonly mailboxes: MailboxCounts,
    private readonly events: Pick<PgCommitEvents, 'deviceSetChanged'> = {},
  ) {}

  createAccount(input: NewAccount): Promise<DeviceRef> {
    return this.committer.run(
      async (tx) => {
        const accountId = randomUUID();
        const skeleton = usernameSkeleton(input.username);
        // ON CONFLICT DO NOTHING: a name (or a look-alike) registered by another relay process
        // between two statements is refused here, not by a unique-violation error.
        if ((await this.q.claimUsernameSkeleton.run(tx, { skeleton, accountId })) === 0) {
          throw usernameTaken();
        }
        const now = Date.now();
        await this.q.insertAccount.run(tx, {
          id: accountId,
          username: input.username,
          identityKey: input.identityKey,
          now,
        });
        return this.insertDevice(tx, accountId, 1, input.device, input.secretHash, now);
      },
      (ref) => this.mailboxes.deviceAdded(ref.rowId),
    );
  }

  /** Claims the skeletons of accounts registered before skeletons were stored. */
  claimMissingSkeletons(): Promise<void> {
    return this.committer.run(async (tx) => {
      const accounts = await this.q.accountsWithoutSkeleton.rows<{ id: string; username: string }>(
        tx,
        {},
      );
      for (const { id, username } of accounts) {
        // A look-alike pair registered earlier keeps both names; the first claims the skeleton.
        await this.q.claimUsernameSkeleton.run(tx, {
          skeleton: usernameSkeleton(username),
          accountId: id,
        });
      }
    });
  }

  async accountIdByUsername(username: string): Promise<string | undefined> {
    return (await this.q.accountByUsername.one<{ id: string }>(this.pool, { username }))?.id;
  }

  createLinkToken(accountId: string, tokenHash: Uint8Array, expiresAt: number): Promise<void> {
    return this.committer.run(async (tx) => {
      await this.q.insertLinkToken.run(tx, { tokenHash, accountId, expiresAt });
    });
  }

  deleteExpiredLinkTokens(now: number): Promise<void> {
    return this.committer.run(async (tx) => {
      await this.q.deleteExpiredLinkTokens.run(tx, { cutoff: now });
    });
  }

  addDevice(
    tokenHash: Uint8Array,
    device: DeviceKeys,
    secretHash: string,
    now: number,
  ): Promise<DeviceRef> {
    return this.committer.run(
      async (tx) => {
        const token = await this.q.linkTokenForUpdate.one<{
          account_id: string;
          expires_at: number;
          used: number;
        }>(tx, { tokenHash });
        if (!token) throw new RelayError(ErrorCode.UNAUTHENTICATED, 'unknown link token');
        if (token.used || token.expires_at < now) {
          throw new RelayError(ErrorCode.CONFLICT, 'link token already used or expired');
        }
        const account = await this.q.accountById.one<{ next_device_id: number }>(tx, {
          id: token.account_id,
        });
        if (!account) throw new RelayError(ErrorCode.NOT_FOUND, 'account no longer exists');
        await this.q.useLinkToken.run(tx, { tokenHash });
        await this.q.bumpNextDeviceId.run(tx, { id: token.account_id });
        return this.insertDevice(
          tx,
          token.account_id,
          account.next_device_id,
          device,
          secretHash,
          Date.now(),
        );
      },
      (ref) => {
        this.mailboxes.deviceAdded(ref.rowId);
        this.invalidate(ref.accountId);
      },
    );
  }

  async findDeviceCredentials(
    accountId: string,
    deviceId: number,
  ): Promise<DeviceCredentials | undefined> {
    const row = await this.q.deviceByAddress.one<DeviceRow>(this.pool, { accountId, deviceId });
    if (!row) return undefined;
    return { ref: { rowId: row.row_id, accountId, deviceId }, secretHash: row.secret_hash };
  }

  async listDevices(accountId: string): Promise<DeviceSummary[]> {
    const rows = await this.q.devicesOfAccount.rows<DeviceRow>(this.pool, { accountId });
    return rows.map((row) => ({
      deviceId: row.device_id,
      name: row.name,
      registrationId: row.registration_id,
      createdAt: row.created_at,
      lastActiveAt: row.last_active_at,
    }));
  }

  async renameDevice(accountId: string, deviceId: number, sealedName: string): Promise<void> {
    const changed = await this.q.renameDevice.run(this.pool, {
      accountId,
      deviceId,
      name: sealedName,
    });
    if (changed === 0) throw new RelayError(ErrorCode.NOT_FOUND, 'no such device');
    // The other relay processes push DevicesChanged to the account's sockets they hold.
    this.events.deviceSetChanged?.(accountId);
  }

  /** One statement on the pool: last activity is a hint, it needs no group commit's ordering. */
  async markDeviceActive(rowId: number, day: number): Promise<void> {
    await this.q.markDeviceActive.run(this.pool, { rowId, day });
  }

  async removeDevice(accountId: string, deviceId: number): Promise<void> {
    await this.committer.run(
      async (tx) => {
        const devices = await this.q.devicesOfAccount.rows<DeviceRow>(tx, { accountId });
        const row = devices.find((d) => d.device_id === deviceId);
        if (!row) throw new RelayError(ErrorCode.NOT_FOUND, 'no such device');
        if (devices.length === 1) {
          throw new RelayError(ErrorCode.CONFLICT, "cannot remove the account's last device");
        }
        return [await this.dropDevice(tx, row.row_id)];
      },
      (dropped) => this.afterDrop(accountId, dropped),
    );
  }

  /** The SQLite directory's deleteAccount (see there), in one transaction. */
  async deleteAccount(accountId: string): Promise<number[]> {
    const { deviceIds } = await this.committer.run(
      async (tx) => {
        if (!(await this.q.accountById.one(tx, { id: accountId }))) {
          throw new RelayError(ErrorCode.NOT_FOUND, 'no such account');
        }
        const devices = await this.q.devicesOfAccount.rows<DeviceRow>(tx, { accountId });
        const dropped = [];
        for (const device of devices) dropped.push(await this.dropDevice(tx, device.row_id));
        await this.q.deleteAccountLinkTokens.run(tx, { accountId });
        await this.q.deleteAccountSkeletons.run(tx, { accountId });
        await this.q.deleteAccount.run(tx, { accountId });
        return { dropped, deviceIds: devices.map((device) => device.device_id) };
      },
      ({ dropped }) => this.afterDrop(accountId, dropped),
    );
    return deviceIds;
  }

  /** One device's rows, inside a committer job; resolves with what afterDrop needs. */
  private async dropDevice(
    tx: pg.PoolClient,
    rowId: number,
  ): Promise<{ rowId: number; dropped: number }> {
    const dropped = await this.q.deleteDeviceMailbox.run(tx, { rowId });
    await this.q.deleteDevicePreKeys.run(tx, { rowId });
    await this.q.deleteDeviceKyberPreKeys.run(tx, { rowId });
    await this.q.deleteDevicePushSubscription.run(tx, { rowId });
    await this.q.deleteDevice.run(tx, { rowId });
    await this.q.markDevicePurged.run(tx, { rowId }); // its idempotency records go after (0156)
    return { rowId, dropped };
  }

  private afterDrop(accountId: string, dropped: { rowId: number; dropped: number }[]): void {
    for (const device of dropped) this.mailboxes.deviceRemoved(device.rowId, device.dropped);
    this.invalidate(accountId);
  }

  /** Every set from the cache, when all are cached and no load runs; else undefined. */
  cachedDeviceSets(
    accountIds: readonly string[],
  ): Map<string, ReadonlyMap<number, DeviceRef>> | undefined {
    if (this.loadsInFlight > 0) return undefined;
    const sets = new Map<string, ReadonlyMap<number, DeviceRef>>();
    for (const accountId of accountIds) {
      const set = this.deviceSetCache.peek(accountId);
      if (!set) return undefined;
      sets.set(accountId, set);
    }
    return sets;
  }

  /**
   * Resolves in call order, like the SQLite store's (whose reads are synchronous): the relay
   * commits a socket's sends in the order their device-set checks finish, so a send whose
   * accounts are cached must not overtake an earlier one still loading. Concurrent loads of
   * the same account share one query.
   */
  deviceSets(accountIds: readonly string[]): Promise<Map<string, ReadonlyMap<number, DeviceRef>>> {
    const sets = new Map<string, ReadonlyMap<number, DeviceRef>>();
    const missing: string[] = [];
    for (const accountId of accountIds) {
      const set = this.deviceSetCache.peek(accountId);
      if (set) sets.set(accountId, set);
      else missing.push(accountId);
    }
    if (missing.length === 0 && this.loadsInFlight === 0) return Promise.resolve(sets);
    this.loadsInFlight++;
    const loads = Promise.all(missing.map((id) => this.loadOnce(id)));
    const previous = this.lastDeviceSets;
    const result = (async () => {
      try {
        const loaded = await loads;
        await previous;
        missing.forEach((accountId, i) => {
          const set = loaded[i];
          if (set) sets.set(accountId, set);
        });
        return sets;
      } finally {
        this.loadsInFlight--;
      }
    })();
    this.lastDeviceSets = result.catch(() => undefined);
    return result;
  }

  private loadsInFlight = 0;
  private lastDeviceSets: Promise<unknown> = Promise.resolve();
  private readonly loading = new Map<string, Promise<Map<number, DeviceRef> | undefined>>();

  private loadOnce(accountId: string): Promise<Map<number, DeviceRef> | undefined> {
    let load = this.loading.get(accountId);
    if (!load) {
      const version = this.deviceSetCache.currentVersion;
      const done = () => {
        if (this.loading.get(accountId) === load) this.loading.delete(accountId);
      };
      load = this.loadDeviceSet(accountId).then(
        (set) => {
          done();
          if (set) this.deviceSetCache.putIfCurrent(accountId, set, version);
          return set;
        },
        (error: unknown) => {
          done();
          throw error;
        },
      );
      this.loading.set(accountId, load);
    }
    return load;
  }

  /** A device came or went (after its commit): later checks must not see the old set. */
  private invalidate(accountId: string): void {
    this.forgetDeviceSet(accountId);
    this.events.deviceSetChanged?.(accountId);
  }

  /** Drops the cached set (here, or when another relay process changed it: decision 0161). */
  forgetDeviceSet(accountId: string): void {
    this.deviceSetCache.invalidate(accountId);
    this.loading.delete(accountId);
  }

  takePreKeyBundles(
    accountId: string,
    deviceId?: number,
  ): Promise<{ identityKey: Uint8Array; bundles: PreKeyBundle[] } | undefined> {
    return this.committer.run(async (tx) => {
      const account = await this.q.accountById.one<{ identity_key: Buffer }>(tx, {
        id: accountId,
      });
      if (!account) return undefined;
      const devices = (await this.q.devicesOfAccount.rows<DeviceRow>(tx, { accountId })).filter(
        (d) => deviceId === undefined || d.device_id === deviceId,
      );
      if (devices.length === 0) return undefined;
      const bundles: PreKeyBundle[] = [];
      for (const device of devices) bundles.push(await this.takeBundle(tx, device));
      return { identityKey: account.identity_key, bundles };
    });
  }

  storePreKeys(device: DeviceRef, upload: PreKeyUpload): Promise<void> {
    return this.committer.run(async (tx) => {
      const rowId = device.rowId;
      if (upload.signedPreKey) {
        await this.q.updateSignedPreKey.run(tx, { rowId, ...signedArgs(upload.signedPreKey) });
      }
      if (upload.lastResortKyberPreKey) {
        await this.q.updateLastResortKyber.run(tx, {
          rowId,
          ...signedArgs(upload.lastResortKyberPreKey),
        });
      }
      await this.upsertPreKeys(tx, rowId, upload.oneTimePreKeys, upload.kyberOneTimePreKeys);
      const counts = await this.countPreKeysOn(tx, rowId);
      if (Math.max(counts.oneTimePreKeys, counts.kyberOneTimePreKeys) > MAX_STORED_PREKEYS) {
        // Thrown inside the job's savepoint: nothing of this upload stays.
        throw new RelayError(
          ErrorCode.TOO_LARGE,
          `a device stores at most ${MAX_STORED_PREKEYS} one-time prekeys of each kind`,
        );
      }
    });
  }

  countPreKeys(rowId: number): Promise<{ oneTimePreKeys: number; kyberOneTimePreKeys: number }> {
    return this.countPreKeysOn(this.pool, rowId);
  }

  private async countPreKeysOn(
    db: Pick<pg.PoolClient, 'query'>,
    rowId: number,
  ): Promise<{ oneTimePreKeys: number; kyberOneTimePreKeys: number }> {
    const [ec, kyber] = await Promise.all([
      this.q.countPreKeys.one<{ n: number }>(db, { rowId }),
      this.q.countKyberPreKeys.one<{ n: number }>(db, { rowId }),
    ]);
    return { oneTimePreKeys: ec!.n, kyberOneTimePreKeys: kyber!.n };
  }

  private async loadDeviceSet(accountId: string): Promise<Map<number, DeviceRef> | undefined> {
    const rows = await this.q.devicesOfAccount.rows<DeviceRow>(this.pool, { accountId });
    if (rows.length === 0) return undefined;
    return new Map(
      rows.map((row) => [row.device_id, { rowId: row.row_id, accountId, deviceId: row.device_id }]),
    );
  }

  private async insertDevice(
    tx: pg.PoolClient,
    accountId: string,
    deviceId: number,
    keys: DeviceKeys,
    secretHash: string,
    now: number,
  ): Promise<DeviceRef> {
    const { row_id: rowId } = (await this.q.insertDevice.one<{ row_id: number }>(tx, {
      account_id: accountId,
      device_id: deviceId,
      registration_id: keys.registrationId,
      name: keys.name,
      secret_hash: secretHash,
      signed_prekey_id: keys.signedPreKey.keyId,
      signed_prekey: keys.signedPreKey.publicKey,
      signed_prekey_signature: keys.signedPreKey.signature,
      last_resort_kyber_id: keys.lastResortKyberPreKey.keyId,
      last_resort_kyber_key: keys.lastResortKyberPreKey.publicKey,
      last_resort_kyber_signature: keys.lastResortKyberPreKey.signature,
      created_at: now,
      last_active_at: null,
    } as Record<string, unknown> as never))!;
    await this.upsertPreKeys(tx, rowId, keys.oneTimePreKeys, keys.kyberOneTimePreKeys);
    return { rowId, accountId, deviceId };
  }

  /**
   * One multi-row upsert per kind (built with the query builder for this many rows: not a
   * hot path, and a statement per key would be a round trip per key).
   */
  private async upsertPreKeys(
    tx: pg.PoolClient,
    rowId: number,
    preKeys: readonly PreKey[] = [],
    kyberPreKeys: readonly SignedPreKey[] = [],
  ): Promise<void> {
    if (preKeys.length > 0) {
      const { sql, parameters } = this.db
        .insertInto('one_time_prekeys')
        .values(
          dedupe(preKeys).map((k) => ({
            device_row_id: rowId,
            key_id: k.keyId,
            public_key: k.publicKey,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['device_row_id', 'key_id'])
            .doUpdateSet((eb) => ({ public_key: eb.ref('excluded.public_key') })),
        )
        .compile();
      await tx.query(sql, parameters as unknown[]);
    }
    if (kyberPreKeys.length > 0) {
      const { sql, parameters } = this.db
        .insertInto('kyber_prekeys')
        .values(
          dedupe(kyberPreKeys).map((k) => ({
            device_row_id: rowId,
            key_id: k.keyId,
            public_key: k.publicKey,
            signature: k.signature,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['device_row_id', 'key_id']).doUpdateSet((eb) => ({
            public_key: eb.ref('excluded.public_key'),
            signature: eb.ref('excluded.signature'),
          })),
        )
        .compile();
      await tx.query(sql, parameters as unknown[]);
    }
  }

  /** One bundle, consuming the lowest one-time EC and Kyber prekeys (within the caller's job). */
  private async takeBundle(tx: pg.PoolClient, device: DeviceRow): Promise<PreKeyBundle> {
    const rowId = device.row_id;
    const preKey = await this.q.takePreKey.one<{ key_id: number; public_key: Buffer }>(tx, {
      rowId,
    });
    const kyber = await this.q.takeKyberPreKey.one<{
      key_id: number;
      public_key: Buffer;
      signature: Buffer;
    }>(tx, { rowId });
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

function signedArgs(key: SignedPreKey) {
  return { keyId: key.keyId, publicKey: key.publicKey, signature: key.signature };
}

/**
 * The last key per id (as the SQLite store's one upsert per key leaves it): PostgreSQL refuses
 * an ON CONFLICT DO UPDATE that touches the same row twice in one statement.
 */
function dedupe<K extends PreKey>(keys: readonly K[]): K[] {
  return [...new Map(keys.map((k) => [k.keyId, k])).values()];
}
