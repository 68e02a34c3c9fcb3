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
} from './records.js';

/** A new account with its first device (secretHash: the device's hashed secret). */
export interface NewAccount {
  username: string;
  identityKey: Uint8Array;
  device: DeviceKeys;
  secretHash: string;
}

export interface DeviceCredentials {
  ref: DeviceRef;
  secretHash: string;
}

/**
 * Everything the relay keeps durably. Writes resolve only after their transaction is committed
 * durably; domain failures throw RelayError (USERNAME_TAKEN, NOT_FOUND, CONFLICT, TOO_LARGE).
 * Implementations: SqliteStore (embedded default); PostgreSQL comes with a later issue.
 */
export interface RelayStore {
  createAccount(input: NewAccount): Promise<DeviceRef>;
  accountIdByUsername(username: string): Promise<string | undefined>;

  /** Stores a single-use token (its hash) that lets a new device join the account. */
  createLinkToken(accountId: string, tokenHash: Uint8Array, expiresAt: number): Promise<void>;
  /**
   * Consumes a link token and adds the device; throws UNAUTHENTICATED or CONFLICT for bad tokens.
   * `now`: the relay clock the token's expiry was set by (createLinkToken's `expiresAt`).
   */
  addDevice(
    tokenHash: Uint8Array,
    device: DeviceKeys,
    secretHash: string,
    now: number,
  ): Promise<DeviceRef>;
  findDeviceCredentials(
    accountId: string,
    deviceId: number,
  ): Promise<DeviceCredentials | undefined>;
  listDevices(accountId: string): Promise<DeviceSummary[]>;
  /** Replaces a device's sealed name; throws NOT_FOUND when the account has no such device. */
  renameDevice(accountId: string, deviceId: number, sealedName: string): Promise<void>;
  /** Records that the device connected on the day starting at `day` (never moves backwards). */
  markDeviceActive(rowId: number, day: number): Promise<void>;
  /**
   * Deletes the device with its keys and mailbox, and notes it for purgeRemovedDevices();
   * refuses the account's last device.
   */
  removeDevice(accountId: string, deviceId: number): Promise<void>;
  /**
   * Deletes the account with everything the store keeps for it (devices, keys, mailboxes, link
   * tokens, username; its devices noted for purgeRemovedDevices()); throws NOT_FOUND when it does
   * not exist. Resolves with its device ids.
   */
  deleteAccount(accountId: string): Promise<number[]>;
  /**
   * Deletes the idempotency records of the removed devices noted so far, walking the table in
   * short steps (it has no index by device, 0156); resolves after a walk that started after
   * this call. A walk cut short by a crash resumes when the store opens.
   */
  purgeRemovedDevices(): Promise<void>;
  /** The current devices of each named account that exists, keyed by device id. */
  deviceSets(accountIds: readonly string[]): Promise<Map<string, ReadonlyMap<number, DeviceRef>>>;
  /**
   * The same without waiting, when the store can answer at once (the send's hot path, decision
   * 0154); undefined when it cannot (a set not cached, or an earlier load still running, which
   * this answer must not overtake): then deviceSets().
   */
  deviceSetsNow(
    accountIds: readonly string[],
  ): Map<string, ReadonlyMap<number, DeviceRef>> | undefined;
  /**
   * The same, read past this process's cache: a set cached here may lag a change another relay
   * process made, until its invalidation arrives through Redis (decision 0161).
   */
  freshDeviceSets(
    accountIds: readonly string[],
  ): Promise<Map<string, ReadonlyMap<number, DeviceRef>>>;

  /** Reads and consumes one-time prekeys atomically; undefined when the account (or device) is unknown. */
  takePreKeyBundles(
    accountId: string,
    deviceId?: number,
  ): Promise<{ identityKey: Uint8Array; bundles: PreKeyBundle[] } | undefined>;
  storePreKeys(device: DeviceRef, upload: PreKeyUpload): Promise<void>;
  countPreKeys(device: DeviceRef): Promise<{ oneTimePreKeys: number; kyberOneTimePreKeys: number }>;

  /**
   * Stores one entry per destination in one transaction, or finds the earlier send with the same
   * (source, clientId). `afterCommit` runs right after the commit, in commit order, so pushes
   * leave in server-id order.
   */
  commitSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
  ): Promise<SendOutcome>;
  /**
   * commitSend without a promise: `done` is called once, after `afterCommit`. Optional: a
   * store without it is called through commitSend (decision 0155).
   */
  enqueueSend?(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
    done: SendCallback,
  ): void;
  /** Deletes acked entries of this device (fire and forget: a lost ack means a redelivery). */
  acknowledge(device: DeviceRef, serverIds: readonly number[]): void;
  /**
   * Up to `limit` entries of this device after `afterServerId`, in server-id order: only those
   * whose commit is durable, and not those whose ack waits for its commit.
   */
  readMailbox(device: DeviceRef, afterServerId: number, limit: number): Promise<StoredEnvelope[]>;
  /** Entries in all mailboxes (for the mailbox depth metric). */
  totalMailboxEntries(): number;
  /**
   * Deletes entries and idempotency records older than `cutoff` (ms since epoch), in short
   * jobs; stops early once `shouldStop()` is true. Resolves with the entries deleted.
   */
  pruneExpired(cutoff: number, shouldStop?: () => boolean): Promise<number>;
  /**
   * Deletes the entries whose time to live (SendRequest.ttl_seconds) ran out by `now`, which
   * reads skip already, then the link tokens expired by `now` (the relay clock that set their
   * expiry). Stops early once `shouldStop()` is true. Resolves with the entries deleted.
   */
  pruneLapsed(now: number, shouldStop?: () => boolean): Promise<number>;

  /** Resolves once every write queued so far is committed. */
  flush(): Promise<void>;
  /** Commits everything in flight, then closes. */
  close(): Promise<void>;
}
