/**
 * The Signal engine port: the subset of `@signalapp/libsignal-client`'s own TypeScript API that
 * Parley uses, written as structural types.
 *
 * Why structural: libsignal-client satisfies this interface as it is (`src/native.ts` checks
 * `const engine: SignalEngine = SignalClient` at compile time), and a TypeScript implementation
 * (packages/signal-ts) can satisfy it too, because nothing here mentions libsignal's native
 * handles. Instances only carry the members core calls; static factories are object types.
 *
 * Keep it narrow: a member belongs here only if core (or the engine contract tests) calls it.
 * Members are written in method syntax on purpose: TypeScript compares method parameters
 * bivariantly, which lets libsignal's class-typed parameters match these interfaces.
 */

/** libsignal's byte type: always backed by a plain ArrayBuffer. */
export type Bytes = Uint8Array<ArrayBuffer>;

// ---------------------------------------------------------------------------------------------
// Keys (libsignal: EcKeys.d.ts, KemKeys.d.ts)

/** Curve25519 public key; serialized as 33 bytes (0x05 || u). */
export interface PublicKey {
  serialize(): Bytes;
  equals(other: PublicKey): boolean;
  /** XEdDSA signature check. */
  verify(msg: Bytes, sig: Bytes): boolean;
}

export interface PublicKeyStatic {
  deserialize(buf: Bytes): PublicKey;
}

export interface PrivateKey {
  serialize(): Bytes;
  /** XEdDSA signature (64 bytes). */
  sign(msg: Bytes): Bytes;
  /** X25519 agreement. */
  agree(otherKey: PublicKey): Bytes;
  getPublicKey(): PublicKey;
}

export interface PrivateKeyStatic {
  generate(): PrivateKey;
  deserialize(buf: Bytes): PrivateKey;
}

export interface IdentityKeyPair {
  readonly publicKey: PublicKey;
  readonly privateKey: PrivateKey;
  serialize(): Bytes;
}

export interface IdentityKeyPairStatic {
  generate(): IdentityKeyPair;
  deserialize(buf: Bytes): IdentityKeyPair;
}

/** Kyber1024 public key; serialized with its type byte (0x08 || 1568 bytes). */
export interface KEMPublicKey {
  serialize(): Bytes;
}

export interface KEMPublicKeyStatic {
  deserialize(buf: Bytes): KEMPublicKey;
}

export interface KEMSecretKey {
  serialize(): Bytes;
}

export interface KEMKeyPair {
  getPublicKey(): KEMPublicKey;
  getSecretKey(): KEMSecretKey;
}

export interface KEMKeyPairStatic {
  generate(): KEMKeyPair;
}

// ---------------------------------------------------------------------------------------------
// Addresses (libsignal: Address.d.ts)

/** One device of one account: Parley uses the account id as the name. */
export interface ProtocolAddress {
  name(): string;
  deviceId(): number;
  toString(): string;
}

export interface ProtocolAddressStatic {
  /** deviceId must be in 1..127. */
  'new'(name: string, deviceId: number): ProtocolAddress;
}

// ---------------------------------------------------------------------------------------------
// Prekeys and bundles (libsignal: ProtocolTypes.d.ts)

export interface PreKeyRecord {
  id(): number;
  publicKey(): PublicKey;
  privateKey(): PrivateKey;
  serialize(): Bytes;
}

export interface PreKeyRecordStatic {
  'new'(id: number, pubKey: PublicKey, privKey: PrivateKey): PreKeyRecord;
  deserialize(buf: Bytes): PreKeyRecord;
}

export interface SignedPreKeyRecord {
  id(): number;
  publicKey(): PublicKey;
  privateKey(): PrivateKey;
  /** XEdDSA signature by the identity key over publicKey().serialize(). */
  signature(): Bytes;
  timestamp(): number;
  serialize(): Bytes;
}

export interface SignedPreKeyRecordStatic {
  'new'(
    id: number,
    timestamp: number,
    pubKey: PublicKey,
    privKey: PrivateKey,
    signature: Bytes,
  ): SignedPreKeyRecord;
  deserialize(buf: Bytes): SignedPreKeyRecord;
}

export interface KyberPreKeyRecord {
  id(): number;
  publicKey(): KEMPublicKey;
  /** XEdDSA signature by the identity key over publicKey().serialize(). */
  signature(): Bytes;
  timestamp(): number;
  serialize(): Bytes;
}

export interface KyberPreKeyRecordStatic {
  'new'(id: number, timestamp: number, keyPair: KEMKeyPair, signature: Bytes): KyberPreKeyRecord;
  deserialize(buf: Bytes): KyberPreKeyRecord;
}

export interface PreKeyBundle {
  registrationId(): number;
  deviceId(): number;
  identityKey(): PublicKey;
  preKeyId(): number | null;
  signedPreKeyId(): number;
  kyberPreKeyId(): number;
}

export interface PreKeyBundleStatic {
  'new'(
    registrationId: number,
    deviceId: number,
    preKeyId: number | null,
    preKey: PublicKey | null,
    signedPreKeyId: number,
    signedPreKey: PublicKey,
    signedPreKeySignature: Bytes,
    identityKey: PublicKey,
    kyberPreKeyId: number,
    kyberPreKey: KEMPublicKey,
    kyberPreKeySignature: Bytes,
  ): PreKeyBundle;
}

// ---------------------------------------------------------------------------------------------
// Session and sender-key state

export interface SessionRecord {
  serialize(): Bytes;
  /** Whether the current session can be used to send. */
  hasCurrentState(now?: Date): boolean;
}

export interface SessionRecordStatic {
  deserialize(buf: Bytes): SessionRecord;
}

export interface SenderKeyRecord {
  serialize(): Bytes;
}

export interface SenderKeyRecordStatic {
  deserialize(buf: Bytes): SenderKeyRecord;
}

// ---------------------------------------------------------------------------------------------
// Messages (libsignal: CiphertextMessage.d.ts, index.d.ts)

export interface CiphertextMessage {
  serialize(): Bytes;
  /** One of CiphertextMessageType. */
  type(): number;
}

export interface SignalMessage {
  serialize(): Bytes;
}

export interface SignalMessageStatic {
  deserialize(buf: Bytes): SignalMessage;
}

export interface PreKeySignalMessage {
  serialize(): Bytes;
}

export interface PreKeySignalMessageStatic {
  deserialize(buf: Bytes): PreKeySignalMessage;
}

export interface SenderKeyDistributionMessage {
  serialize(): Bytes;
  distributionId(): string;
}

export interface SenderKeyDistributionMessageStatic {
  create(
    sender: ProtocolAddress,
    distributionId: string,
    store: SenderKeyStore,
  ): Promise<SenderKeyDistributionMessage>;
  deserialize(buf: Bytes): SenderKeyDistributionMessage;
}

export interface SenderKeyMessage {
  serialize(): Bytes;
  distributionId(): string;
}

export interface SenderKeyMessageStatic {
  deserialize(buf: Bytes): SenderKeyMessage;
}

// ---------------------------------------------------------------------------------------------
// Safety numbers (libsignal: Fingerprint)

export interface DisplayableFingerprint {
  /** 60 digits. */
  toString(): string;
}

export interface ScannableFingerprint {
  toBuffer(): Bytes;
  compare(other: ScannableFingerprint): boolean;
}

export interface Fingerprint {
  displayableFingerprint(): DisplayableFingerprint;
  scannableFingerprint(): ScannableFingerprint;
}

export interface FingerprintStatic {
  'new'(
    iterations: number,
    version: number,
    localIdentifier: Bytes,
    localKey: PublicKey,
    remoteIdentifier: Bytes,
    remoteKey: PublicKey,
  ): Fingerprint;
}

// ---------------------------------------------------------------------------------------------
// Stores: core implements these (on Dexie, and in memory for tests). Records cross the boundary
// as engine objects; stores persist them with serialize() and restore them with the engine's
// own deserializers, so one store implementation serves every engine.

export interface SessionStore {
  saveSession(name: ProtocolAddress, record: SessionRecord): Promise<void>;
  getSession(name: ProtocolAddress): Promise<SessionRecord | null>;
}

export interface IdentityKeyStore {
  getIdentityKey(): Promise<PrivateKey>;
  getIdentityKeyPair(): Promise<IdentityKeyPair>;
  getLocalRegistrationId(): Promise<number>;
  /** Returns IdentityChange.ReplacedExisting when a different key was stored for `name`. */
  saveIdentity(name: ProtocolAddress, key: PublicKey): Promise<number>;
  /** `direction` is one of Direction. */
  isTrustedIdentity(name: ProtocolAddress, key: PublicKey, direction: number): Promise<boolean>;
  getIdentity(name: ProtocolAddress): Promise<PublicKey | null>;
}

export interface PreKeyStore {
  savePreKey(id: number, record: PreKeyRecord): Promise<void>;
  /** Throws when the prekey is unknown (libsignal turns that into InvalidPreKeyId). */
  getPreKey(id: number): Promise<PreKeyRecord>;
  removePreKey(id: number): Promise<void>;
}

export interface SignedPreKeyStore {
  saveSignedPreKey(id: number, record: SignedPreKeyRecord): Promise<void>;
  getSignedPreKey(id: number): Promise<SignedPreKeyRecord>;
}

export interface KyberPreKeyStore {
  saveKyberPreKey(id: number, record: KyberPreKeyRecord): Promise<void>;
  getKyberPreKey(id: number): Promise<KyberPreKeyRecord>;
  markKyberPreKeyUsed(id: number, signedPreKeyId: number, baseKey: PublicKey): Promise<void>;
}

export interface SenderKeyStore {
  saveSenderKey(
    sender: ProtocolAddress,
    distributionId: string,
    record: SenderKeyRecord,
  ): Promise<void>;
  getSenderKey(sender: ProtocolAddress, distributionId: string): Promise<SenderKeyRecord | null>;
}

// ---------------------------------------------------------------------------------------------
// Enumerations and errors. Values are libsignal's; an engine exposes them as plain numbers.

export interface CiphertextMessageTypes {
  readonly Whisper: number;
  readonly PreKey: number;
  readonly SenderKey: number;
}

export interface Directions {
  readonly Sending: number;
  readonly Receiving: number;
}

export interface IdentityChanges {
  readonly NewOrUnchanged: number;
  readonly ReplacedExisting: number;
}

/**
 * Error codes carried as `code` on the errors an engine throws (libsignal: LibSignalErrorBase).
 * A corrupt or forged message (bad MAC, bad protobuf, bad signature) is `Generic` in libsignal
 * 0.103; core treats every code it does not single out as "invalid message".
 */
export interface ErrorCodes {
  readonly Generic: number;
  readonly DuplicatedMessage: number;
  readonly UntrustedIdentity: number;
  readonly InvalidRegistrationId: number;
  readonly InvalidProtocolAddress: number;
  readonly VerificationFailed: number;
  readonly InvalidSession: number;
  readonly InvalidSenderKeySession: number;
}

// ---------------------------------------------------------------------------------------------
// The engine

export interface SignalEngine {
  readonly PublicKey: PublicKeyStatic;
  readonly PrivateKey: PrivateKeyStatic;
  readonly IdentityKeyPair: IdentityKeyPairStatic;
  readonly KEMPublicKey: KEMPublicKeyStatic;
  readonly KEMKeyPair: KEMKeyPairStatic;
  readonly ProtocolAddress: ProtocolAddressStatic;
  readonly PreKeyRecord: PreKeyRecordStatic;
  readonly SignedPreKeyRecord: SignedPreKeyRecordStatic;
  readonly KyberPreKeyRecord: KyberPreKeyRecordStatic;
  readonly PreKeyBundle: PreKeyBundleStatic;
  readonly SessionRecord: SessionRecordStatic;
  readonly SenderKeyRecord: SenderKeyRecordStatic;
  readonly SignalMessage: SignalMessageStatic;
  readonly PreKeySignalMessage: PreKeySignalMessageStatic;
  readonly SenderKeyDistributionMessage: SenderKeyDistributionMessageStatic;
  readonly SenderKeyMessage: SenderKeyMessageStatic;
  readonly Fingerprint: FingerprintStatic;

  readonly CiphertextMessageType: CiphertextMessageTypes;
  readonly Direction: Directions;
  readonly IdentityChange: IdentityChanges;
  readonly ErrorCode: ErrorCodes;

  /** PQXDH session setup from a bundle (signed prekey AND Kyber prekey required). */
  processPreKeyBundle(
    bundle: PreKeyBundle,
    address: ProtocolAddress,
    localAddress: ProtocolAddress,
    sessionStore: SessionStore,
    identityStore: IdentityKeyStore,
    now?: Date,
  ): Promise<void>;
  signalEncrypt(
    message: Bytes,
    address: ProtocolAddress,
    localAddress: ProtocolAddress,
    sessionStore: SessionStore,
    identityStore: IdentityKeyStore,
    now?: Date,
  ): Promise<CiphertextMessage>;
  signalDecrypt(
    message: SignalMessage,
    address: ProtocolAddress,
    localAddress: ProtocolAddress,
    sessionStore: SessionStore,
    identityStore: IdentityKeyStore,
  ): Promise<Bytes>;
  signalDecryptPreKey(
    message: PreKeySignalMessage,
    address: ProtocolAddress,
    localAddress: ProtocolAddress,
    sessionStore: SessionStore,
    identityStore: IdentityKeyStore,
    preKeyStore: PreKeyStore,
    signedPreKeyStore: SignedPreKeyStore,
    kyberPreKeyStore: KyberPreKeyStore,
  ): Promise<Bytes>;
  processSenderKeyDistributionMessage(
    sender: ProtocolAddress,
    message: SenderKeyDistributionMessage,
    store: SenderKeyStore,
  ): Promise<void>;
  groupEncrypt(
    sender: ProtocolAddress,
    distributionId: string,
    store: SenderKeyStore,
    message: Bytes,
  ): Promise<CiphertextMessage>;
  groupDecrypt(sender: ProtocolAddress, store: SenderKeyStore, message: Bytes): Promise<Bytes>;
}
