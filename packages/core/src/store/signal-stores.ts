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
import type { ParleyDatabase } from './database.js';

/**
 * libsignal's storage interfaces on the device database. Records are persisted with serialize()
 * and restored with the injected engine's deserializers, so the same stores serve the native
 * and the TypeScript engine.
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

  constructor(
    private readonly db: ParleyDatabase,
    private readonly engine: SignalEngine,
    /** Called when a contact's stored identity key is replaced by a different one. */
    private readonly onIdentityReplaced: (accountId: string) => Promise<void> = async () => {},
  ) {}

  // --- SessionStore

  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    await this.db.sessions.put({
      address: addressKey(name),
      accountId: name.name(),
      deviceId: name.deviceId(),
      record: record.serialize(),
    });
  }

  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    const row = await this.db.sessions.get(addressKey(name));
    return row ? this.engine.SessionRecord.deserialize(row.record) : null;
  }

  // --- IdentityKeyStore

  async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    if (!this.identity) {
      const account = await this.db.account.get('self');
      if (!account) throw new Error('no local identity: the device is not registered');
      this.identity = this.engine.IdentityKeyPair.deserialize(account.identityKeyPair);
    }
    return this.identity;
  }

  async getIdentityKey(): Promise<PrivateKey> {
    return (await this.getIdentityKeyPair()).privateKey;
  }

  async getLocalRegistrationId(): Promise<number> {
    const account = await this.db.account.get('self');
    if (!account) throw new Error('no registration id: the device is not registered');
    return account.registrationId;
  }

  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<number> {
    const accountId = name.name();
    const publicKey = key.serialize();
    const replaced = await this.db.transaction('rw', this.db.identities, async () => {
      const existing = await this.db.identities.get(accountId);
      if (existing && bytesEqual(existing.publicKey, publicKey)) return false;
      await this.db.identities.put({
        accountId,
        publicKey,
        verified: false,
        // A verified contact whose key changes must be re-accepted before we send again.
        pendingAcceptance: existing?.verified ?? false,
      });
      return existing !== undefined;
    });
    if (replaced) await this.onIdentityReplaced(accountId);
    return replaced
      ? this.engine.IdentityChange.ReplacedExisting
      : this.engine.IdentityChange.NewOrUnchanged;
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
    const row = await this.db.identities.get(name.name());
    if (!row) return true;
    if (direction === this.engine.Direction.Receiving) return true;
    return bytesEqual(row.publicKey, key.serialize()) && !row.pendingAcceptance;
  }

  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    const row = await this.db.identities.get(name.name());
    return row ? this.engine.PublicKey.deserialize(row.publicKey) : null;
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

function addressKey(address: ProtocolAddress): string {
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
