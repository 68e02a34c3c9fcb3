/**
 * In-memory implementations of every store, for tests and tools (libsignal storage/inmem.rs).
 *
 * Records are kept serialized and rebuilt with the engine's deserializers on every read, exactly as
 * core's IndexedDB stores do, so a test against these stores also proves that each record survives
 * a restart, and no caller can mutate a stored record through an object it was handed.
 */
import type { ProtocolAddress } from '../address.js';
import { PrivateKey, PublicKey, type IdentityKeyPair } from '../curve/index.js';
import { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '../records/index.js';
import { SenderKeyRecord } from '../sender-keys/sender-key-record.js';
import { SessionRecord } from '../session/session-record.js';
import {
  IdentityChange,
  IdentityKeyStore,
  KyberPreKeyStore,
  PreKeyStore,
  SenderKeyStore,
  SessionStore,
  SignedPreKeyStore,
  type Direction,
  type Uuid,
} from './traits.js';

function missing(what: string, id: number | string): Error {
  return new Error(`no ${what} with id ${id}`);
}

export class InMemorySessionStore extends SessionStore {
  readonly #sessions = new Map<string, Uint8Array>();

  async saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void> {
    this.#sessions.set(name.toString(), record.serialize());
  }

  async getSession(name: ProtocolAddress): Promise<SessionRecord | null> {
    const bytes = this.#sessions.get(name.toString());
    return bytes === undefined ? null : SessionRecord.deserialize(bytes);
  }

  /** Every address must have a session (libsignal's SessionNotFound otherwise). */
  async getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]> {
    return addresses.map((address) => {
      const bytes = this.#sessions.get(address.toString());
      if (bytes === undefined) throw new Error(`session with ${address.toString()} not found`);
      return SessionRecord.deserialize(bytes);
    });
  }
}

/** Trust on first use: an unknown peer's key is trusted, a changed one is not until saved. */
export class InMemoryIdentityKeyStore extends IdentityKeyStore {
  readonly #privateKey: Uint8Array;
  readonly #registrationId: number;
  readonly #known = new Map<string, Uint8Array>();

  constructor(identity: IdentityKeyPair, registrationId: number) {
    super();
    this.#privateKey = identity.privateKey.serialize();
    this.#registrationId = registrationId;
  }

  async getIdentityKey(): Promise<PrivateKey> {
    return PrivateKey.deserialize(this.#privateKey);
  }

  async getLocalRegistrationId(): Promise<number> {
    return this.#registrationId;
  }

  async saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<IdentityChange> {
    const address = name.toString();
    const previous = this.#known.get(address);
    this.#known.set(address, key.serialize());
    const replaced = previous !== undefined && !PublicKey.deserialize(previous).equals(key);
    return replaced ? IdentityChange.ReplacedExisting : IdentityChange.NewOrUnchanged;
  }

  async isTrustedIdentity(
    name: ProtocolAddress,
    key: PublicKey,
    _direction: Direction,
  ): Promise<boolean> {
    const known = this.#known.get(name.toString());
    return known === undefined || PublicKey.deserialize(known).equals(key);
  }

  async getIdentity(name: ProtocolAddress): Promise<PublicKey | null> {
    const known = this.#known.get(name.toString());
    return known === undefined ? null : PublicKey.deserialize(known);
  }
}

export class InMemoryPreKeyStore extends PreKeyStore {
  readonly #records = new Map<number, Uint8Array>();

  async savePreKey(id: number, record: PreKeyRecord): Promise<void> {
    this.#records.set(id, record.serialize());
  }

  async getPreKey(id: number): Promise<PreKeyRecord> {
    const bytes = this.#records.get(id);
    if (bytes === undefined) throw missing('prekey', id);
    return PreKeyRecord.deserialize(bytes);
  }

  async removePreKey(id: number): Promise<void> {
    this.#records.delete(id);
  }
}

export class InMemorySignedPreKeyStore extends SignedPreKeyStore {
  readonly #records = new Map<number, Uint8Array>();

  async saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void> {
    this.#records.set(id, record.serialize());
  }

  async getSignedPreKey(id: number): Promise<SignedPreKeyRecord> {
    const bytes = this.#records.get(id);
    if (bytes === undefined) throw missing('signed prekey', id);
    return SignedPreKeyRecord.deserialize(bytes);
  }
}

/** Keeps Kyber prekeys after use (last-resort semantics) and remembers each use for tests. */
export class InMemoryKyberPreKeyStore extends KyberPreKeyStore {
  readonly #records = new Map<number, Uint8Array>();
  readonly #uses: { kyberPreKeyId: number; signedPreKeyId: number; baseKey: PublicKey }[] = [];

  async saveKyberPreKey(kyberPreKeyId: number, record: KyberPreKeyRecord): Promise<void> {
    this.#records.set(kyberPreKeyId, record.serialize());
  }

  async getKyberPreKey(kyberPreKeyId: number): Promise<KyberPreKeyRecord> {
    const bytes = this.#records.get(kyberPreKeyId);
    if (bytes === undefined) throw missing('Kyber prekey', kyberPreKeyId);
    return KyberPreKeyRecord.deserialize(bytes);
  }

  async markKyberPreKeyUsed(
    kyberPreKeyId: number,
    signedPreKeyId: number,
    baseKey: PublicKey,
  ): Promise<void> {
    this.#uses.push({ kyberPreKeyId, signedPreKeyId, baseKey });
  }

  /** The uses recorded so far, oldest first (tests). */
  uses(): readonly { kyberPreKeyId: number; signedPreKeyId: number; baseKey: PublicKey }[] {
    return [...this.#uses];
  }
}

export class InMemorySenderKeyStore extends SenderKeyStore {
  readonly #records = new Map<string, Uint8Array>();

  async saveSenderKey(
    sender: ProtocolAddress,
    distributionId: Uuid,
    record: SenderKeyRecord,
  ): Promise<void> {
    this.#records.set(`${sender.toString()}/${distributionId}`, record.serialize());
  }

  async getSenderKey(
    sender: ProtocolAddress,
    distributionId: Uuid,
  ): Promise<SenderKeyRecord | null> {
    const bytes = this.#records.get(`${sender.toString()}/${distributionId}`);
    return bytes === undefined ? null : SenderKeyRecord.deserialize(bytes);
  }
}
