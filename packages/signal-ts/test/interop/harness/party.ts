/**
 * A test party: one device with its own identity, registration id, prekeys and in-memory stores,
 * all made through ONE engine's API. Everything a party hands to another party is bytes
 * (bundles, envelopes, distribution messages), so a conversation between parties on different
 * engines exercises only the wire format.
 */
import type * as Lib from '@signalapp/libsignal-client';
import type { Engine, SignalApi } from './engine.js';
import { createStores, type PartyStores } from './stores.js';
import { outcomeOf, type Outcome } from './outcome.js';

export type Bytes = Uint8Array<ArrayBuffer>;

/** Who a party is on the wire: libsignal's (name, device id). */
export interface PeerId {
  readonly name: string;
  readonly deviceId: number;
}

/** A 1:1 ciphertext as the relay would carry it. */
export interface Envelope {
  readonly type: number;
  readonly body: Bytes;
}

/** A published prekey bundle, as plain bytes (what a key server returns). */
export interface BundleData {
  readonly registrationId: number;
  readonly deviceId: number;
  readonly identityKey: Bytes;
  readonly preKey: { readonly id: number; readonly publicKey: Bytes } | null;
  readonly signedPreKey: {
    readonly id: number;
    readonly publicKey: Bytes;
    readonly signature: Bytes;
  };
  readonly kyberPreKey: {
    readonly id: number;
    readonly publicKey: Bytes;
    readonly signature: Bytes;
  };
}

/** Everything a party persists, serialized: what survives a restart. */
export interface PartySnapshot {
  readonly id: PeerId;
  readonly identity: Bytes;
  readonly registrationId: number;
  readonly nextKeyId: number;
  readonly sessions: ReadonlyArray<readonly [string, Bytes]>;
  readonly identities: ReadonlyArray<readonly [string, Bytes]>;
  readonly preKeys: ReadonlyArray<readonly [number, Bytes]>;
  readonly signedPreKeys: ReadonlyArray<readonly [number, Bytes]>;
  readonly kyberPreKeys: ReadonlyArray<readonly [number, Bytes]>;
  readonly senderKeys: ReadonlyArray<readonly [string, Bytes]>;
}

export interface PartyOptions {
  /** Defaults to a fresh ACI service id string, so that address binding applies. */
  readonly name?: string;
  readonly deviceId?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function text(value: string): Bytes {
  return encoder.encode(value) as Bytes;
}

export function readText(value: Uint8Array): string {
  return decoder.decode(value);
}

export class Party {
  private nextKeyId: number;

  private constructor(
    readonly engine: Engine,
    readonly id: PeerId,
    readonly identity: Lib.IdentityKeyPair,
    readonly registrationId: number,
    readonly stores: PartyStores,
    nextKeyId: number,
  ) {
    this.nextKeyId = nextKeyId;
  }

  static create(engine: Engine, options: PartyOptions = {}): Party {
    const api = engine.api;
    const identity = api.IdentityKeyPair.generate();
    const registrationId = 1 + Math.floor(Math.random() * 16380);
    const id = { name: options.name ?? crypto.randomUUID(), deviceId: options.deviceId ?? 1 };
    return new Party(
      engine,
      id,
      identity,
      registrationId,
      createStores(api, { identity, registrationId }),
      1,
    );
  }

  get api(): SignalApi {
    return this.engine.api;
  }

  get label(): string {
    return `${this.engine.name}:${this.id.name.slice(0, 8)}.${this.id.deviceId}`;
  }

  address(peer: PeerId = this.id): Lib.ProtocolAddress {
    return this.api.ProtocolAddress.new(peer.name, peer.deviceId);
  }

  identityKeyBytes(): Bytes {
    return this.identity.publicKey.serialize();
  }

  /**
   * Generates and stores a fresh signed prekey, Kyber prekey and (optionally) one-time prekey,
   * and returns them as a bundle, signed by this party's identity key.
   */
  publishBundle(options: { oneTimePreKey: boolean } = { oneTimePreKey: true }): BundleData {
    const api = this.api;
    const signer = this.identity.privateKey;
    const now = Date.now();

    const signedId = this.nextKeyId++;
    const signedPrivate = api.PrivateKey.generate();
    const signedPublic = signedPrivate.getPublicKey();
    const signedSignature = signer.sign(signedPublic.serialize());
    this.stores.signedPreKeys.set(
      signedId,
      api.SignedPreKeyRecord.new(signedId, now, signedPublic, signedPrivate, signedSignature),
    );

    const kyberId = this.nextKeyId++;
    const kyberPair = api.KEMKeyPair.generate();
    const kyberSignature = signer.sign(kyberPair.getPublicKey().serialize());
    this.stores.kyberPreKeys.set(
      kyberId,
      api.KyberPreKeyRecord.new(kyberId, now, kyberPair, kyberSignature),
    );

    let preKey: BundleData['preKey'] = null;
    if (options.oneTimePreKey) {
      const preKeyId = this.nextKeyId++;
      const preKeyPrivate = api.PrivateKey.generate();
      this.stores.preKeys.set(
        preKeyId,
        api.PreKeyRecord.new(preKeyId, preKeyPrivate.getPublicKey(), preKeyPrivate),
      );
      preKey = { id: preKeyId, publicKey: preKeyPrivate.getPublicKey().serialize() };
    }

    return {
      registrationId: this.registrationId,
      deviceId: this.id.deviceId,
      identityKey: this.identityKeyBytes(),
      preKey,
      signedPreKey: {
        id: signedId,
        publicKey: signedPublic.serialize(),
        signature: signedSignature,
      },
      kyberPreKey: {
        id: kyberId,
        publicKey: kyberPair.getPublicKey().serialize(),
        signature: kyberSignature,
      },
    };
  }

  /** Builds `bundle` with this party's engine: the bytes cross, never objects. */
  private bundleObject(bundle: BundleData): Lib.PreKeyBundle {
    const api = this.api;
    return api.PreKeyBundle.new(
      bundle.registrationId,
      bundle.deviceId,
      bundle.preKey?.id ?? null,
      bundle.preKey ? api.PublicKey.deserialize(bundle.preKey.publicKey) : null,
      bundle.signedPreKey.id,
      api.PublicKey.deserialize(bundle.signedPreKey.publicKey),
      bundle.signedPreKey.signature,
      api.PublicKey.deserialize(bundle.identityKey),
      bundle.kyberPreKey.id,
      api.KEMPublicKey.deserialize(bundle.kyberPreKey.publicKey),
      bundle.kyberPreKey.signature,
    );
  }

  /** PQXDH as initiator: a session with `peer` from its published bundle. */
  async initiate(peer: PeerId, bundle: BundleData, now?: Date): Promise<void> {
    await this.api.processPreKeyBundle(
      this.bundleObject(bundle),
      this.address(peer),
      this.address(),
      this.stores.sessionStore,
      this.stores.identityStore,
      now,
    );
  }

  /** `now` stands in for the clock (libsignal expires unacknowledged sessions). */
  async encrypt(to: PeerId, plaintext: Bytes, now?: Date): Promise<Envelope> {
    const message = await this.api.signalEncrypt(
      plaintext,
      this.address(to),
      this.address(),
      this.stores.sessionStore,
      this.stores.identityStore,
      now,
    );
    return { type: message.type(), body: message.serialize() };
  }

  /** Decrypts as this party, from `from`; `as` overrides the local address (address binding). */
  async decrypt(from: PeerId, envelope: Envelope, as: PeerId = this.id): Promise<Bytes> {
    const api = this.api;
    const { sessionStore, identityStore } = this.stores;
    if (envelope.type === api.CiphertextMessageType.PreKey) {
      return api.signalDecryptPreKey(
        api.PreKeySignalMessage.deserialize(envelope.body),
        this.address(from),
        this.address(as),
        sessionStore,
        identityStore,
        this.stores.preKeyStore,
        this.stores.signedPreKeyStore,
        this.stores.kyberPreKeyStore,
      );
    }
    if (envelope.type === api.CiphertextMessageType.Whisper) {
      return api.signalDecrypt(
        api.SignalMessage.deserialize(envelope.body),
        this.address(from),
        this.address(as),
        sessionStore,
        identityStore,
      );
    }
    throw new Error(`unexpected envelope type ${envelope.type}`);
  }

  tryDecrypt(from: PeerId, envelope: Envelope, as?: PeerId): Promise<Outcome<Bytes>> {
    return outcomeOf(this.api, () => this.decrypt(from, envelope, as));
  }

  /** Marks `identityKey` as the approved key for `peer` (the user accepted a safety number change). */
  approveIdentity(peer: PeerId, identityKey: Bytes): void {
    this.stores.identities.set(
      `${peer.name}.${peer.deviceId}`,
      this.api.PublicKey.deserialize(identityKey),
    );
  }

  async hasSessionWith(peer: PeerId): Promise<boolean> {
    const record = await this.stores.sessionStore.getSession(this.address(peer));
    return record?.hasCurrentState() ?? false;
  }

  // ---------------------------------------------------------------------------------------------
  // Sender keys

  async createDistribution(distributionId: string): Promise<Bytes> {
    const message = await this.api.SenderKeyDistributionMessage.create(
      this.address(),
      distributionId,
      this.stores.senderKeyStore,
    );
    return message.serialize();
  }

  async processDistribution(from: PeerId, distribution: Bytes): Promise<void> {
    await this.api.processSenderKeyDistributionMessage(
      this.address(from),
      this.api.SenderKeyDistributionMessage.deserialize(distribution),
      this.stores.senderKeyStore,
    );
  }

  async groupEncrypt(distributionId: string, plaintext: Bytes): Promise<Bytes> {
    const message = await this.api.groupEncrypt(
      this.address(),
      distributionId,
      this.stores.senderKeyStore,
      plaintext,
    );
    return message.serialize();
  }

  tryGroupDecrypt(from: PeerId, ciphertext: Bytes): Promise<Outcome<Bytes>> {
    return outcomeOf(this.api, () =>
      this.api.groupDecrypt(this.address(from), this.stores.senderKeyStore, ciphertext),
    );
  }

  /** Forgets this party's own sending chain for `distributionId`, so the next one is new. */
  forgetOwnSenderKey(distributionId: string): void {
    this.stores.senderKeys.delete(`${this.id.name}.${this.id.deviceId}/${distributionId}`);
  }

  // ---------------------------------------------------------------------------------------------
  // Persistence

  snapshot(): PartySnapshot {
    const s = this.stores;
    const bytesOf = <K>(map: Map<K, { serialize(): Bytes }>) =>
      [...map].map(([key, record]) => [key, record.serialize()] as const);
    return {
      id: this.id,
      identity: this.identity.serialize(),
      registrationId: this.registrationId,
      nextKeyId: this.nextKeyId,
      sessions: bytesOf(s.sessions),
      identities: bytesOf(s.identities),
      preKeys: bytesOf(s.preKeys),
      signedPreKeys: bytesOf(s.signedPreKeys),
      kyberPreKeys: bytesOf(s.kyberPreKeys),
      senderKeys: bytesOf(s.senderKeys),
    };
  }

  /** A new party on `engine` holding exactly the serialized state (a restarted app). */
  static restore(engine: Engine, snapshot: PartySnapshot): Party {
    const api = engine.api;
    const identity = api.IdentityKeyPair.deserialize(snapshot.identity);
    const stores = createStores(api, { identity, registrationId: snapshot.registrationId });
    const fill = <K, V>(
      map: Map<K, V>,
      entries: ReadonlyArray<readonly [K, Bytes]>,
      read: (b: Bytes) => V,
    ) => {
      for (const [key, bytes] of entries) map.set(key, read(bytes));
    };
    fill(stores.sessions, snapshot.sessions, (b) => api.SessionRecord.deserialize(b));
    fill(stores.identities, snapshot.identities, (b) => api.PublicKey.deserialize(b));
    fill(stores.preKeys, snapshot.preKeys, (b) => api.PreKeyRecord.deserialize(b));
    fill(stores.signedPreKeys, snapshot.signedPreKeys, (b) =>
      api.SignedPreKeyRecord.deserialize(b),
    );
    fill(stores.kyberPreKeys, snapshot.kyberPreKeys, (b) => api.KyberPreKeyRecord.deserialize(b));
    fill(stores.senderKeys, snapshot.senderKeys, (b) => api.SenderKeyRecord.deserialize(b));
    return new Party(
      engine,
      snapshot.id,
      identity,
      snapshot.registrationId,
      stores,
      snapshot.nextKeyId,
    );
  }

  /** Serializes everything and comes back as a fresh instance on the same engine. */
  restart(): Party {
    return Party.restore(this.engine, this.snapshot());
  }
}
