/**
 * One sender-key state: a chain id, the chain's current key, the sender's signing key (with the
 * private half only on the sending device) and the message keys kept for out-of-order delivery
 * (libsignal SenderKeyStateStructure, storage.proto).
 */
import { copyBytes, type Bytes } from '../bytes.js';
import { MAX_MESSAGE_KEYS, SENDERKEY_MESSAGE_CURRENT_VERSION } from '../consts.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf/reader.js';
import type { SenderChainKey, SenderMessageKeySeed } from './sender-chain.js';

// SenderKeyStateStructure fields.
const CHAIN_ID = 1;
const SENDER_CHAIN_KEY = 2;
const SENDER_SIGNING_KEY = 3;
const SENDER_MESSAGE_KEYS = 4;
const MESSAGE_VERSION = 5;
// SenderChainKey / SenderMessageKey fields.
const ITERATION = 1;
const SEED = 2;
// SenderSigningKey fields.
const PUBLIC = 1;
const PRIVATE = 2;

export class SenderKeyState {
  /** Version 0 in storage means the first sender-key version, 3 (as in libsignal). */
  readonly messageVersion: number;
  readonly chainId: number;
  chainKey: SenderChainKey | undefined;
  readonly signingPublic: Bytes;
  readonly signingPrivate: Bytes;
  /** Oldest first; at most MAX_MESSAGE_KEYS. */
  readonly messageKeys: SenderMessageKeySeed[];

  constructor(fields: {
    messageVersion: number;
    chainId: number;
    chainKey: SenderChainKey | undefined;
    signingPublic: Bytes;
    signingPrivate: Bytes;
    messageKeys: SenderMessageKeySeed[];
  }) {
    this.messageVersion =
      fields.messageVersion === 0 ? SENDERKEY_MESSAGE_CURRENT_VERSION : fields.messageVersion;
    this.chainId = fields.chainId;
    this.chainKey = fields.chainKey;
    this.signingPublic = fields.signingPublic;
    this.signingPrivate = fields.signingPrivate;
    this.messageKeys = fields.messageKeys;
  }

  /** The signing key, or null when the stored bytes are not a key. */
  signingKeyPublic(): PublicKey | null {
    try {
      return PublicKey.deserialize(this.signingPublic);
    } catch {
      return null;
    }
  }

  /** The private signing key (sender's own state only), or null. */
  signingKeyPrivate(): PrivateKey | null {
    try {
      return PrivateKey.deserialize(this.signingPrivate);
    } catch {
      return null;
    }
  }

  addMessageKey(key: SenderMessageKeySeed): void {
    this.messageKeys.push(key);
    if (this.messageKeys.length > MAX_MESSAGE_KEYS)
      this.messageKeys.splice(0, this.messageKeys.length - MAX_MESSAGE_KEYS);
  }

  /** Takes out the kept key for `iteration`, if any. */
  removeMessageKey(iteration: number): SenderMessageKeySeed | undefined {
    const index = this.messageKeys.findIndex((key) => key.iteration === iteration);
    return index < 0 ? undefined : this.messageKeys.splice(index, 1)[0];
  }

  clone(): SenderKeyState {
    return new SenderKeyState({ ...this, messageKeys: [...this.messageKeys] });
  }

  /** prost's proto3 encoding: declaration order (message_version first), defaults omitted. */
  encode(): Bytes {
    const writer = new BinaryWriter();
    if (this.chainId !== 0) writer.tag(CHAIN_ID, WireType.Varint).uint32(this.chainId);
    if (this.chainKey !== undefined) {
      writer
        .tag(SENDER_CHAIN_KEY, WireType.LengthDelimited)
        .bytes(encodeIterationSeed(this.chainKey));
    }
    const signing = new BinaryWriter();
    if (this.signingPublic.length > 0)
      signing.tag(PUBLIC, WireType.LengthDelimited).bytes(this.signingPublic);
    if (this.signingPrivate.length > 0)
      signing.tag(PRIVATE, WireType.LengthDelimited).bytes(this.signingPrivate);
    writer.tag(SENDER_SIGNING_KEY, WireType.LengthDelimited).bytes(signing.finish());
    for (const key of this.messageKeys) {
      writer.tag(SENDER_MESSAGE_KEYS, WireType.LengthDelimited).bytes(encodeIterationSeed(key));
    }
    if (this.messageVersion !== 0)
      writer.tag(MESSAGE_VERSION, WireType.Varint).uint32(this.messageVersion);
    return writer.finish();
  }

  static decode(bytes: Uint8Array, operation: string): SenderKeyState {
    const fields = ProtoFields.parse(bytes, operation);
    const chainKeyBytes = fields.bytes(SENDER_CHAIN_KEY);
    const signing = ProtoFields.parse(
      fields.bytes(SENDER_SIGNING_KEY) ?? new Uint8Array(0),
      operation,
    );
    return new SenderKeyState({
      messageVersion: fields.uint32(MESSAGE_VERSION) ?? 0,
      chainId: fields.uint32(CHAIN_ID) ?? 0,
      chainKey:
        chainKeyBytes === undefined ? undefined : decodeIterationSeed(chainKeyBytes, operation),
      signingPublic: signing.bytes(PUBLIC) ?? new Uint8Array(0),
      signingPrivate: signing.bytes(PRIVATE) ?? new Uint8Array(0),
      messageKeys: fields
        .repeatedBytes(SENDER_MESSAGE_KEYS)
        .map((key) => decodeIterationSeed(key, operation)),
    });
  }
}

function encodeIterationSeed(key: { iteration: number; seed: Uint8Array }): Bytes {
  const writer = new BinaryWriter();
  if (key.iteration !== 0) writer.tag(ITERATION, WireType.Varint).uint32(key.iteration);
  if (key.seed.length > 0) writer.tag(SEED, WireType.LengthDelimited).bytes(key.seed);
  return writer.finish();
}

function decodeIterationSeed(
  bytes: Uint8Array,
  operation: string,
): { iteration: number; seed: Bytes } {
  const fields = ProtoFields.parse(bytes, operation);
  return {
    iteration: fields.uint32(ITERATION) ?? 0,
    seed: copyBytes(fields.bytes(SEED) ?? new Uint8Array(0)),
  };
}
