import type {
  IdentityKeyPair,
  IdentityKeyStore,
  KyberPreKeyRecord,
  KyberPreKeyStore,
  PreKeyRecord,
  PreKeyStore,
  PrivateKey,
  ProtocolAddress,
  PublicKey,
  SenderKeyRecord,
  SenderKeyStore,
  SessionRecord,
  SessionStore,
  SignalEngine,
  SignedPreKeyRecord,
  SignedPreKeyStore,
} from '../crypto/engine.js';
import type { IdentityRow, ParleyDatabase, SessionRow } from './database.js';
import type { UnitOfWorkStore } from './repositories.js';
import { UnitOfWork } from './unit-of-work.js';

/**
 * libsignal's storage interfaces on the device database. Records are persisted with serialize()
 * and restored with the injected engine's deserializers, so the same stores serve the native
 * and the TypeScript engine.
 *
 * Sessions and identities are held in memory (a device talks to a bounded set of devices) and
 * read from there. Session writes are deferred: the inbox commits them in the same transaction
 * as the messages they decrypted, and the outbox flushes them before anything encrypted with
 * them leaves the device (docs/decisions/0302-session-state-commits-with-its-effects.md).
 */
export class SignalStores
  implements
    SessionStore,
    IdentityKeyStore,
    PreKeyStore,
    SignedPreKeyStore,
    KyberPreKeyStore,
    SenderKeyStore
{
  private identity: IdentityKeyPair | undefined;
  private registrationId: number | undefined;
  private readonly sessions = new Map<string, SessionRow>();
  private readonly dirty = new Map<string, SessionRow>();
  private readonly identities = new Map<string, IdentityRow>();
  /** Commits that carry session rows taken from `dirty`; flush() waits for them. */
  private readonly committing = new Set<Promise<unknown>>();

  constructor(
    private readonly db: ParleyDatabase,
    private readonly engine: SignalEngine,
    /** Called when a contact's stored identity key is replaced by a different one. */
    private readonly onIdentityReplaced: (accountId: string) => Promise<void> = async () => {},
    /**
     * Where session rows commit with the caller's unit of work: the device's CoreStore (the
     * desktop's is not this Dexie database, docs/decisions/0810); this database by default.
     */
    private readonly store: Pick<UnitOfWorkStore, 'commit'> = { commit: (work) => work.commit(db) },
  ) {}

  async load(): Promise<void> {
    const [sessions, identities] = await Promise.all([
      this.db.sessions.toArray(),
      this.db.identities.toArray(),
    ]);
    for (const row of sessions) this.sessions.set(row.address, row);
    for (const row of identities) this.identities.set(row.accountId, row);
  }

  // --- Session bookkeeping beyond libsignal's interface

  /** Device ids this device has a session with, for one account. */
  deviceIdsOf(accountId: string): number[] {
    return [...this.sessions.values()]
      .filter((row) => row.accountId === accountId)
      .map((row) => row.deviceId);
  }

  async deleteSessions(addresses: string[]): Promise<void> {
    for (const address of addresses) {
      this.sessions.delete(address);
      this.dirty.delete(address);
    }
    await this.db.sessions.bulkDelete(addresses);
  }

  async deleteSessionsOf(accountIds: string[]): Promise<void> {
    const addresses = [...this.sessions.values()]
      .filter((row) => accountIds.includes(row.accountId))
      .map((row) => row.address);
    await this.deleteSessions(addresses);
  }

  /**
   * Hands the unsaved session rows to a commit the caller is about to run; `commit` is tracked so
   * flush() can wait for it, and the rows become dirty again if it fails.
   */
  async commitSessionsWith(commit: (rows: SessionRow[]) => Promise<void>): Promise<void> {
    const rows = [...this.dirty.values()];
    this.dirty.clear();
    const committing = commit(rows);
    this.committing.add(committing);
    try {
      await committing;
    } catch (error) {
      for (const row of rows) if (!this.dirty.has(row.address)) this.dirty.set(row.address, row);
      throw error;
    } finally {
      this.committing.delete(committing);
    }
  }

  /** Makes every session change so far durable (before ciphertexts made with it are sent). */
  async flush(): Promise<void> {
    await this.flushWith(new UnitOfWork());
  }

  /**
   * flush(), committed together with the caller's `work` (the outbox rows that the ciphertexts
   * made with these sessions belong to).
   */
  async flushWith(work: UnitOfWork): Promise<void> {
    await this.commitSessionsWith(async (rows) => {
      work.sessions.push(...rows);
      await this.store.commit(work);
    });
    await Promise.allSettled([...this.committing]);
  }

  // --- SessionStore

  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    const row: SessionRow = {
      address: addressKey(name),
      accountId: name.name(),
      deviceId: name.deviceId(),
      record: record.serialize(),
    };
    this.sessions.set(row.address, row);
    this.dirty.set(row.address, row);
  }

  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    const row = this.sessions.get(addressKey(name));
    return row ? this.engine.SessionRecord.deserialize(row.record) : null;
  }

  // --- IdentityKeyStore

  async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    if (!this.identity) {
      const account = await this.db.account.get('self');
      if (!account) throw new Error('no local identity: the device is not registered');
      this.identity = this.engine.IdentityKeyPair.deserialize(account.identityKeyPair);
      this.registrationId = account.registrationId;
    }
    return this.identity;
  }

  async getIdentityKey(): Promise<PrivateKey> {
    return (await this.getIdentityKeyPair()).privateKey;
  }

  async getLocalRegistrationId(): Promise<number> {
    await this.getIdentityKeyPair();
    return this.registrationId as number;
  }

  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<number> {
    const accountId = name.name();
    const publicKey = key.serialize();
    const existing = this.identities.get(accountId);
    if (existing && bytesEqual(existing.publicKey, publicKey))
      return this.engine.IdentityChange.NewOrUnchanged;
    // A verified contact whose key changes must be re-accepted before we send again.
    await this.putIdentity({
      accountId,
      publicKey,
      verified: false,
      pendingAcceptance: existing?.verified ?? false,
    });
    if (!existing) return this.engine.IdentityChange.NewOrUnchanged;
    await this.onIdentityReplaced(accountId);
    return this.engine.IdentityChange.ReplacedExisting;
  }

  /**
   * Trust on first use; afterwards a different key is trusted for receiving (we learn about the
   * change and report it) but not for sending while the user still has to accept it.
   */
  async isTrustedIdentity(
    name: ProtocolAddress,
    key: PublicKey,
    direction: number,
  ): Promise<boolean> {
    const row = this.identities.get(name.name());
    if (!row) return true;
    if (direction === this.engine.Direction.Receiving) return true;
    return bytesEqual(row.publicKey, key.serialize()) && !row.pendingAcceptance;
  }

  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    const row = this.identities.get(name.name());
    return row ? this.engine.PublicKey.deserialize(row.publicKey) : null;
  }

  // --- Identity bookkeeping beyond libsignal's interface

  identityOf(accountId: string): IdentityRow | undefined {
    return this.identities.get(accountId);
  }

  heldAccounts(): Set<string> {
    return new Set(
      [...this.identities.values()]
        .filter((row) => row.pendingAcceptance)
        .map((row) => row.accountId),
    );
  }

  async putIdentity(row: IdentityRow): Promise<void> {
    this.identities.set(row.accountId, row);
    await this.db.identities.put(row);
  }

  // --- PreKeyStore

  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    await this.db.preKeys.put({ id, record: record.serialize() });
  }

  async getPreKey(id: number): Promise<PreKeyRecord> {
    const row = await this.db.preKeys.get(id);
    if (!row) throw new Error(`unknown prekey ${id}`);
    return this.engine.PreKeyRecord.deserialize(row.record);
  }

  async removePreKey(id: number): Promise<void> {
    await this.db.preKeys.delete(id);
  }

  // --- SignedPreKeyStore

  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    await this.db.signedPreKeys.put({ id, record: record.serialize() });
  }

  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    const row = await this.db.signedPreKeys.get(id);
    if (!row) throw new Error(`unknown signed prekey ${id}`);
    return this.engine.SignedPreKeyRecord.deserialize(row.record);
  }

  // --- KyberPreKeyStore

  async saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void> {
    await this.saveKyberPreKeyOfKind(id, record, false);
  }

  async saveKyberPreKeyOfKind(
    id: number,
    record: KyberPreKeyRecord,
    lastResort: boolean,
  ): Promise<void> {
    await this.db.kyberPreKeys.put({ id, record: record.serialize(), lastResort });
  }

  async getKyberPreKey(id: number): Promise<KyberPreKeyRecord> {
    const row = await this.db.kyberPreKeys.get(id);
    if (!row) throw new Error(`unknown Kyber prekey ${id}`);
    return this.engine.KyberPreKeyRecord.deserialize(row.record);
  }

  async markKyberPreKeyUsed(id: number): Promise<void> {
    const row = await this.db.kyberPreKeys.get(id);
    if (row && !row.lastResort) await this.db.kyberPreKeys.delete(id);
  }

  // --- SenderKeyStore

  async saveSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
    record: SenderKeyRecord,
  ): Promise<void> {
    await this.db.senderKeys.put({
      key: senderKeyKey(sender, distributionId),
      record: record.serialize(),
    });
  }

  async getSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
  ): Promise<SenderKeyRecord | null> {
    const row = await this.db.senderKeys.get(senderKeyKey(sender, distributionId));
    return row ? this.engine.SenderKeyRecord.deserialize(row.record) : null;
  }
}

export function addressKey(address: ProtocolAddress): string {
  return `${address.name()}.${address.deviceId()}`;
}

function senderKeyKey(sender: ProtocolAddress, distributionId: string): string {
  return `${addressKey(sender)}/${distributionId.toLowerCase()}`;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
