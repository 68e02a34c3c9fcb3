/**
 * SenderKeyDistributionMessage: how a sender hands its chain key and signing key to each group
 * member over their 1:1 sessions (libsignal protocol.rs, wire.proto): version byte (0x33) ||
 * protobuf {1 distribution_uuid, 2 chain_id, 3 iteration, 4 chain_key (32), 5 signing_key (33)}.
 */
import { concatBytes, copyBytes, randomBytes, type Bytes } from '../bytes.js';
import {
  CURVE25519_KEY_LENGTH,
  PUBLIC_KEY_SERIALIZED_LENGTH,
  SENDERKEY_MESSAGE_CURRENT_VERSION,
} from '../consts.js';
import type { ProtocolAddress } from '../address.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { protocolError } from '../error.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf-reader.js';
import type { SenderKeyStore } from '../storage/traits.js';
import { parseUuidOrThrow, stringifyUuid } from '../uuid.js';
import { SenderKeyRecord } from './sender-key-record.js';
import { SenderKeyState } from './sender-key-state.js';
import { invalidSenderKeySession } from './errors.js';
import { parseVersionByte, versionByte } from './version.js';

const DISTRIBUTION_UUID = 1;
const CHAIN_ID = 2;
const ITERATION = 3;
const CHAIN_KEY = 4;
const SIGNING_KEY = 5;
const UUID_LENGTH = 16;
const OPERATION = 'SenderKeyDistributionMessage_Deserialize';

/** Random 31-bit chain id (libsignal-protocol-java compatibility, as libsignal does). */
function randomChainId(): number {
  const bytes = randomBytes(4);
  return new DataView(bytes.buffer).getUint32(0) >>> 1;
}

export class SenderKeyDistributionMessage {
  readonly #messageVersion: number;
  readonly #distributionId: Bytes;
  readonly #chainId: number;
  readonly #iteration: number;
  readonly #chainKey: Bytes;
  readonly #signingKey: PublicKey;
  readonly #serialized: Bytes;

  private constructor(fields: {
    messageVersion: number;
    distributionId: Bytes;
    chainId: number;
    iteration: number;
    chainKey: Bytes;
    signingKey: PublicKey;
    serialized: Bytes;
  }) {
    this.#messageVersion = fields.messageVersion;
    this.#distributionId = fields.distributionId;
    this.#chainId = fields.chainId;
    this.#iteration = fields.iteration;
    this.#chainKey = fields.chainKey;
    this.#signingKey = fields.signingKey;
    this.#serialized = fields.serialized;
  }

  /**
   * The distribution message for `sender`'s own chain in `distributionId`, creating that chain
   * (random 31-bit chain id, random chain key, fresh signing key) on first use.
   */
  static async create(
    sender: ProtocolAddress,
    distributionId: string,
    store: SenderKeyStore,
  ): Promise<SenderKeyDistributionMessage> {
    const uuid = parseUuidOrThrow(distributionId);
    const id = stringifyUuid(uuid);
    let record = await store.getSenderKey(sender, id);
    if (record === null) {
      const signingKey = PrivateKey.generate();
      const state = new SenderKeyState({
        messageVersion: SENDERKEY_MESSAGE_CURRENT_VERSION,
        chainId: randomChainId(),
        chainKey: { iteration: 0, seed: randomBytes(CURVE25519_KEY_LENGTH) },
        signingPublic: signingKey.getPublicKey().serialize(),
        signingPrivate: signingKey.serialize(),
        messageKeys: [],
      });
      record = SenderKeyRecord._newEmpty();
      record._addState(state, signingKey.getPublicKey());
      await store.saveSenderKey(sender, id, record);
    }
    const state = record._currentState();
    const signingKey = state?.signingKeyPublic();
    if (state?.chainKey === undefined || signingKey == null)
      throw invalidSenderKeySession('SenderKeyDistributionMessage_Create', id);
    return SenderKeyDistributionMessage._new(
      state.messageVersion,
      id,
      state.chainId,
      state.chainKey.iteration,
      state.chainKey.seed,
      signingKey,
    );
  }

  static _new(
    messageVersion: number,
    distributionId: string,
    chainId: number,
    iteration: number,
    chainKey: Uint8Array,
    pk: PublicKey,
  ): SenderKeyDistributionMessage {
    const uuid = parseUuidOrThrow(distributionId);
    const body = new BinaryWriter()
      .tag(DISTRIBUTION_UUID, WireType.LengthDelimited)
      .bytes(uuid)
      .tag(CHAIN_ID, WireType.Varint)
      .uint32(chainId)
      .tag(ITERATION, WireType.Varint)
      .uint32(iteration)
      .tag(CHAIN_KEY, WireType.LengthDelimited)
      .bytes(chainKey)
      .tag(SIGNING_KEY, WireType.LengthDelimited)
      .bytes(pk.serialize())
      .finish();
    return new SenderKeyDistributionMessage({
      messageVersion,
      distributionId: uuid,
      chainId,
      iteration,
      chainKey: copyBytes(chainKey),
      signingKey: pk,
      serialized: concatBytes(Uint8Array.of(versionByte(messageVersion)), body),
    });
  }

  static deserialize(buffer: Uint8Array): SenderKeyDistributionMessage {
    // At least a version byte, a chain key and a public key.
    if (buffer.length < 1 + 32 + 32) {
      throw protocolError(
        'CiphertextMessageTooShort',
        OPERATION,
        `ciphertext serialized bytes were too short <${buffer.length}>`,
      );
    }
    const messageVersion = parseVersionByte(buffer[0] as number, OPERATION);
    const fields = ProtoFields.parse(buffer.subarray(1), OPERATION);
    const distributionId = fields.bytes(DISTRIBUTION_UUID);
    const chainId = fields.uint32(CHAIN_ID);
    const iteration = fields.uint32(ITERATION);
    const chainKey = fields.bytes(CHAIN_KEY);
    const signingKey = fields.bytes(SIGNING_KEY);
    if (
      distributionId?.length !== UUID_LENGTH ||
      chainId === undefined ||
      iteration === undefined ||
      chainKey?.length !== CURVE25519_KEY_LENGTH ||
      signingKey?.length !== PUBLIC_KEY_SERIALIZED_LENGTH
    ) {
      throw protocolError('InvalidProtobufEncoding', OPERATION, 'protobuf encoding was invalid');
    }
    return new SenderKeyDistributionMessage({
      messageVersion,
      distributionId,
      chainId,
      iteration,
      chainKey,
      signingKey: PublicKey.deserialize(signingKey),
      serialized: copyBytes(buffer),
    });
  }

  serialize(): Bytes {
    return copyBytes(this.#serialized);
  }

  chainKey(): Bytes {
    return copyBytes(this.#chainKey);
  }

  iteration(): number {
    return this.#iteration;
  }

  chainId(): number {
    return this.#chainId;
  }

  /** Lowercase hyphenated UUID. */
  distributionId(): string {
    return stringifyUuid(this.#distributionId);
  }

  /** Internal: the version from the first byte's high nibble. */
  _messageVersion(): number {
    return this.#messageVersion;
  }

  /** Internal: the sender's public signing key. */
  _signingKey(): PublicKey {
    return this.#signingKey;
  }
}
