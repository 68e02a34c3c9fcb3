import { randomUUID } from 'node:crypto';
import { ErrorCode, MAX_STORED_PREKEYS, usernameSkeleton } from '@parley/protocol';
import { usernameTaken } from '../username-claims.js';
import { RelayError } from '../../errors.js';
import { DeviceSetCache } from '../device-set-cache.js';
import type {
  DeviceKeys,
  DeviceRef,
  DeviceSummary,
  PreKeyBundle,
  PreKeyUpload,
} from '../records.js';
import type { DeviceCredentials, NewAccount } from '../relay-store.js';
import type { GroupCommitter } from './group-commit.js';
import type { MailboxTables } from './mailbox-tables.js';
import { asBuffer, type PreparedQueries } from './prepared.js';
import type { DeviceRow } from '../rows.js';

/** What the directory tells the mailbox tables when a device, and with it a mailbox, comes or goes. */
type MailboxCounts = Pick<MailboxTables, 'deviceAdded' | 'deviceRemoved'>;

/**
 * Accounts, link tokens, devices and their prekeys. Writes are jobs of the GroupCommitter;
 * device sets are cached until a device is added or removed.
 */
export class DeviceDirectory {
  private readonly deviceSetCache = new DeviceSetCache();

  constructor(
    private readonly q: PreparedQueries,
    private readonly committer: GroupCommitter,
    private readonly mailboxes: MailboxCounts,
  ) {}

  createAccount(input: NewAccount): Promise<DeviceRef> {
    return this.committer.run(() => {
      const accountId = randomUUID();
      const skeleton = usernameSkeleton(input.username);
      if (this.q.claimUsernameSkeleton.run({ skeleton, accountId }) === 0) {
        throw usernameTaken();
      }
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

  /** Claims the skeletons of accounts registered before skeletons were stored. */
  claimMissingSkeletons(): Promise<void> {
    return this.committer.run(() => {
      const accounts = this.q.accountsWithoutSkeleton.all<{ id: string; username: string }>({});
      for (const { id, username } of accounts) {
        // A look-alike pair registered earlier keeps both names; the first claims the skeleton.
        this.q.claimUsernameSkeleton.run({ skeleton: usernameSkeleton(username), accountId: id });
      }
    });
  }

  accountIdByUsername(username: string): string | undefined {
    return this.q.accountByUsername.get<{ id: string }>({ username })?.id;
  }

  createLinkToken(accountId: string, tokenHash: Uint8Array, expiresAt: number): Promise<void> {
    return this.committer.run(() => {
      this.q.insertLinkToken.run({ tokenHash: asBuffer(tokenHash), accountId, expiresAt });
    });
  }

  deleteExpiredLinkTokens(now: number): Promise<void> {
    return this.committer.run(() => {
      this.q.deleteExpiredLinkTokens.run({ cutoff: now });
    });
  }

  addDevice(
    tokenHash: Uint8Array,
    device: DeviceKeys,
    secretHash: string,
    now: number,
  ): Promise<DeviceRef> {
    return this.committer.run(
      () => {
        const hash = asBuffer(tokenHash);
        const token = this.q.linkToken.get<{
          account_id: string;
          expires_at: number;
          used: number;
        }>({ tokenHash: hash });
        if (!token) throw new RelayError(ErrorCode.UNAUTHENTICATED, 'unknown link token');
        if (token.used || token.expires_at < now) {
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

  findDeviceCredentials(accountId: string, deviceId: number): DeviceCredentials | undefined {
    const row = this.q.deviceByAddress.get<DeviceRow>({ accountId, deviceId });
    if (!row) return undefined;
    return { ref: { rowId: row.row_id, accountId, deviceId }, secretHash: row.secret_hash };
  }

  listDevices(accountId: string): DeviceSummary[] {
    return this.q.devicesOfAccount.all<DeviceRow>({ accountId }).map((row) => ({
      deviceId: row.device_id,
      name: row.name,
      registrationId: row.registration_id,
      createdAt: row.created_at,
      lastActiveAt: row.last_active_at,
    }));
  }

  renameDevice(accountId: string, deviceId: number, sealedName: string): Promise<void> {
    return this.committer.run(() => {
      if (this.q.renameDevice.run({ accountId, deviceId, name: sealedName }) === 0)
        throw new RelayError(ErrorCode.NOT_FOUND, 'no such device');
    });
  }

  markDeviceActive(rowId: number, day: number): Promise<void> {
    return this.committer.runInfallible(() => {
      this.q.markDeviceActive.run({ rowId, day });
    });
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
        this.dropDevice(row.row_id);
      },
      () => this.deviceSetCache.invalidate(accountId),
    );
  }

  /**
   * Deletes the account and every row it owns: its devices with their keys and mailboxes, its
   * link tokens, its username and skeleton (free at once: DELETED_USERNAME_RESERVED_MS); its
   * devices' idempotency records go after, by the purger (0156). Resolves with its device ids.
   */
  deleteAccount(accountId: string): Promise<number[]> {
    return this.committer.run(
      () => {
        if (!this.q.accountById.get({ id: accountId })) {
          throw new RelayError(ErrorCode.NOT_FOUND, 'no such account');
        }
        const devices = this.q.devicesOfAccount.all<DeviceRow>({ accountId });
        for (const device of devices) this.dropDevice(device.row_id);
        this.q.deleteAccountLinkTokens.run({ accountId });
        this.q.deleteAccountSkeletons.run({ accountId });
        this.q.deleteAccount.run({ accountId });
        return devices.map((device) => device.device_id);
      },
      () => this.deviceSetCache.invalidate(accountId),
    );
  }

  /** One device's rows, inside a committer job. */
  private dropDevice(rowId: number): void {
    const dropped = this.q.deleteDeviceMailbox.run({ rowId });
    this.q.deleteDevicePreKeys.run({ rowId });
    this.q.deleteDeviceKyberPreKeys.run({ rowId });
    this.q.deleteDevicePushSubscription.run({ rowId });
    this.q.deleteDevice.run({ rowId });
    this.q.markDevicePurged.run({ rowId }); // its idempotency records go after (0156)
    this.mailboxes.deviceRemoved(rowId, dropped);
  }

  deviceSets(accountIds: readonly string[]): Map<string, ReadonlyMap<number, DeviceRef>> {
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
      const counts = this.countPreKeys(rowId);
      if (Math.max(counts.oneTimePreKeys, counts.kyberOneTimePreKeys) > MAX_STORED_PREKEYS) {
        // Thrown inside the job's savepoint: nothing of this upload stays.
        throw new RelayError(
          ErrorCode.TOO_LARGE,
          `a device stores at most ${MAX_STORED_PREKEYS} one-time prekeys of each kind`,
        );
      }
    });
  }

  countPreKeys(rowId: number): { oneTimePreKeys: number; kyberOneTimePreKeys: number } {
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
      last_active_at: null,
    } as Record<string, unknown> as never)!;
    for (const key of keys.oneTimePreKeys) {
      this.q.upsertPreKey.run({ rowId, keyId: key.keyId, publicKey: asBuffer(key.publicKey) });
    }
    for (const key of keys.kyberOneTimePreKeys) {
      this.q.upsertKyberPreKey.run({ rowId, ...signedArgs(key) });
    }
    this.mailboxes.deviceAdded(rowId);
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

function signedArgs(key: { keyId: number; publicKey: Uint8Array; signature: Uint8Array }) {
  return {
    keyId: key.keyId,
    publicKey: asBuffer(key.publicKey),
    signature: asBuffer(key.signature),
  };
}
