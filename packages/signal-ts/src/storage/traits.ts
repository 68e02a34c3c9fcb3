/**
 * The stores the protocol reads and writes, as libsignal-client declares them (index.d.ts). The
 * engine never knows where bytes live: callers implement these (core on IndexedDB; tests with
 * ./inmem.ts). Records cross this boundary as engine objects and persist via serialize().
 */
import type { ProtocolAddress } from '../address.js';
import type { IdentityKeyPair, PrivateKey, PublicKey } from '../curve/index.js';
import type { KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord } from '../records/index.js';
import type { SenderKeyRecord } from '../sender-keys/sender-key-record.js';
import type { SessionRecord } from '../session/session-record.js';
import { IdentityKeyPair as IdentityKeyPairClass } from '../curve/identity-key-pair.js';

/** Which way a message goes when the identity store is asked whether to trust a key. */
export enum Direction {
  Sending = 0,
  Receiving = 1,
}

/** What saveIdentity did. */
export enum IdentityChange {
  NewOrUnchanged = 0,
  ReplacedExisting = 1,
}

/** libsignal's Uuid: a distribution id in its hyphenated string form. */
export type Uuid = string;

export abstract class SessionStore {
  abstract saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void>;
  abstract getSession(name: ProtocolAddress): Promise<SessionRecord | null>;
  abstract getExistingSessions(addresses: ProtocolAddress[]): Promise<SessionRecord[]>;
}

export abstract class IdentityKeyStore {
  abstract getIdentityKey(): Promise<PrivateKey>;

  /** Derived from getIdentityKey(), as in libsignal's base class. */
  async getIdentityKeyPair(): Promise<IdentityKeyPair> {
    const privateKey = await this.getIdentityKey();
    return new IdentityKeyPairClass(privateKey.getPublicKey(), privateKey);
  }

  abstract getLocalRegistrationId(): Promise<number>;
  abstract saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<IdentityChange>;
  abstract isTrustedIdentity(
    name: ProtocolAddress,
    key: PublicKey,
    direction: Direction,
  ): Promise<boolean>;
  abstract getIdentity(name: ProtocolAddress): Promise<PublicKey | null>;
}

export abstract class PreKeyStore {
  abstract savePreKey(id: number, record: PreKeyRecord): Promise<void>;
  /** Throws when the id is unknown (the session code reports InvalidPreKeyId). */
  abstract getPreKey(id: number): Promise<PreKeyRecord>;
  abstract removePreKey(id: number): Promise<void>;
}

export abstract class SignedPreKeyStore {
  abstract saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void>;
  /** Throws when the id is unknown. */
  abstract getSignedPreKey(id: number): Promise<SignedPreKeyRecord>;
}

export abstract class KyberPreKeyStore {
  abstract saveKyberPreKey(kyberPreKeyId: number, record: KyberPreKeyRecord): Promise<void>;
  /** Throws when the id is unknown. */
  abstract getKyberPreKey(kyberPreKeyId: number): Promise<KyberPreKeyRecord>;
  /** Called once a PreKey message consumed the Kyber prekey (one-time keys get deleted here). */
  abstract markKyberPreKeyUsed(
    kyberPreKeyId: number,
    signedPreKeyId: number,
    baseKey: PublicKey,
  ): Promise<void>;
}

export abstract class SenderKeyStore {
  abstract saveSenderKey(
    sender: ProtocolAddress,
    distributionId: Uuid,
    record: SenderKeyRecord,
  ): Promise<void>;
  abstract getSenderKey(
    sender: ProtocolAddress,
    distributionId: Uuid,
  ): Promise<SenderKeyRecord | null>;
}
