/**
 * In-memory stores for test parties, written once and built for any engine: each class extends
 * that engine's own abstract store class (SessionStore, IdentityKeyStore, ...), so the same code
 * checks that signal-ts exports the store interfaces libsignal-client does.
 *
 * Records are kept as engine objects; a party "restarts" by serializing every record and
 * deserializing it into fresh stores (see party.ts), which is how core keeps them in IndexedDB.
 */
import type * as Lib from '@signalapp/libsignal-client';
import type { SignalApi } from './engine.js';

export type Uuid = string;

/** Keys stores by "name.device", the form libsignal's ProtocolAddress.toString() gives. */
export function addressKey(address: Lib.ProtocolAddress): string {
  return `${address.name()}.${address.deviceId()}`;
}

export interface PartyStores {
  readonly sessions: Map<string, Lib.SessionRecord>;
  readonly identities: Map<string, Lib.PublicKey>;
  readonly preKeys: Map<number, Lib.PreKeyRecord>;
  readonly signedPreKeys: Map<number, Lib.SignedPreKeyRecord>;
  readonly kyberPreKeys: Map<number, Lib.KyberPreKeyRecord>;
  readonly senderKeys: Map<string, Lib.SenderKeyRecord>;
  /** Kyber prekeys the engine reported used: `${kyberId}/${signedId}`. */
  readonly kyberUsed: string[];
  readonly sessionStore: Lib.SessionStore;
  readonly identityStore: Lib.IdentityKeyStore;
  readonly preKeyStore: Lib.PreKeyStore;
  readonly signedPreKeyStore: Lib.SignedPreKeyStore;
  readonly kyberPreKeyStore: Lib.KyberPreKeyStore;
  readonly senderKeyStore: Lib.SenderKeyStore;
}

export interface StoreSeed {
  identity: Lib.IdentityKeyPair;
  registrationId: number;
}

/** Builds empty stores on `api`'s abstract classes. */
export function createStores(api: SignalApi, seed: StoreSeed): PartyStores {
  const sessions = new Map<string, Lib.SessionRecord>();
  const identities = new Map<string, Lib.PublicKey>();
  const preKeys = new Map<number, Lib.PreKeyRecord>();
  const signedPreKeys = new Map<number, Lib.SignedPreKeyRecord>();
  const kyberPreKeys = new Map<number, Lib.KyberPreKeyRecord>();
  const senderKeys = new Map<string, Lib.SenderKeyRecord>();
  const kyberUsed: string[] = [];

  class Sessions extends api.SessionStore {
    async saveSession(name: Lib.ProtocolAddress, record: Lib.SessionRecord): Promise<void> {
      sessions.set(addressKey(name), record);
    }
    async getSession(name: Lib.ProtocolAddress): Promise<Lib.SessionRecord | null> {
      return sessions.get(addressKey(name)) ?? null;
    }
    async getExistingSessions(addresses: Lib.ProtocolAddress[]): Promise<Lib.SessionRecord[]> {
      return addresses.map((address) => {
        const record = sessions.get(addressKey(address));
        if (!record) throw new Error(`no session for ${addressKey(address)}`);
        return record;
      });
    }
  }

  /** Trust on first use; a changed key stays untrusted (both directions) until approved. */
  class Identities extends api.IdentityKeyStore {
    async getIdentityKey(): Promise<Lib.PrivateKey> {
      return seed.identity.privateKey;
    }
    async getLocalRegistrationId(): Promise<number> {
      return seed.registrationId;
    }
    async saveIdentity(name: Lib.ProtocolAddress, key: Lib.PublicKey): Promise<Lib.IdentityChange> {
      const known = identities.get(addressKey(name));
      identities.set(addressKey(name), key);
      return known && !known.equals(key)
        ? api.IdentityChange.ReplacedExisting
        : api.IdentityChange.NewOrUnchanged;
    }
    async isTrustedIdentity(name: Lib.ProtocolAddress, key: Lib.PublicKey): Promise<boolean> {
      const known = identities.get(addressKey(name));
      return known === undefined || known.equals(key);
    }
    async getIdentity(name: Lib.ProtocolAddress): Promise<Lib.PublicKey | null> {
      return identities.get(addressKey(name)) ?? null;
    }
  }

  class PreKeys extends api.PreKeyStore {
    async savePreKey(id: number, record: Lib.PreKeyRecord): Promise<void> {
      preKeys.set(id, record);
    }
    async getPreKey(id: number): Promise<Lib.PreKeyRecord> {
      return found(preKeys.get(id), `prekey ${id}`);
    }
    async removePreKey(id: number): Promise<void> {
      preKeys.delete(id);
    }
  }

  class SignedPreKeys extends api.SignedPreKeyStore {
    async saveSignedPreKey(id: number, record: Lib.SignedPreKeyRecord): Promise<void> {
      signedPreKeys.set(id, record);
    }
    async getSignedPreKey(id: number): Promise<Lib.SignedPreKeyRecord> {
      return found(signedPreKeys.get(id), `signed prekey ${id}`);
    }
  }

  class KyberPreKeys extends api.KyberPreKeyStore {
    async saveKyberPreKey(id: number, record: Lib.KyberPreKeyRecord): Promise<void> {
      kyberPreKeys.set(id, record);
    }
    async getKyberPreKey(id: number): Promise<Lib.KyberPreKeyRecord> {
      return found(kyberPreKeys.get(id), `kyber prekey ${id}`);
    }
    async markKyberPreKeyUsed(id: number, signedPreKeyId: number): Promise<void> {
      kyberUsed.push(`${id}/${signedPreKeyId}`);
    }
  }

  class SenderKeys extends api.SenderKeyStore {
    async saveSenderKey(sender: Lib.ProtocolAddress, id: Uuid, record: Lib.SenderKeyRecord) {
      senderKeys.set(`${addressKey(sender)}/${id}`, record);
    }
    async getSenderKey(sender: Lib.ProtocolAddress, id: Uuid): Promise<Lib.SenderKeyRecord | null> {
      return senderKeys.get(`${addressKey(sender)}/${id}`) ?? null;
    }
  }

  return {
    sessions,
    identities,
    preKeys,
    signedPreKeys,
    kyberPreKeys,
    senderKeys,
    kyberUsed,
    sessionStore: new Sessions(),
    identityStore: new Identities(),
    preKeyStore: new PreKeys(),
    signedPreKeyStore: new SignedPreKeys(),
    kyberPreKeyStore: new KyberPreKeys(),
    senderKeyStore: new SenderKeys(),
  };
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not found`);
  return value;
}
