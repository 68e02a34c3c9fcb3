/**
 * SenderKeyMessage, the group message on the wire (libsignal protocol.rs, wire.proto):
 * version byte (0x33) || protobuf {1 distribution_uuid, 2 chain_id, 3 iteration, 4 ciphertext}
 * || 64-byte XEdDSA signature by the sender's signing key over everything before it.
 */
import { copyBytes, concatBytes, type Bytes } from '../bytes.js';
import { SENDERKEY_MESSAGE_CURRENT_VERSION, SIGNATURE_LENGTH } from '../consts.js';
import type { PrivateKey, PublicKey } from '../curve/index.js';
import { protocolError } from '../error.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf-reader.js';
import { parseUuidOrThrow, stringifyUuid } from '../uuid.js';
import { parseVersionByte, versionByte } from './version.js';

const DISTRIBUTION_UUID = 1;
const CHAIN_ID = 2;
const ITERATION = 3;
const CIPHERTEXT = 4;
const UUID_LENGTH = 16;
const OPERATION = 'SenderKeyMessage_Deserialize';

export class SenderKeyMessage {
  readonly #messageVersion: number;
  readonly #distributionId: Bytes;
  readonly #chainId: number;
  readonly #iteration: number;
  readonly #ciphertext: Bytes;
  readonly #serialized: Bytes;

  private constructor(fields: {
    messageVersion: number;
    distributionId: Bytes;
    chainId: number;
    iteration: number;
    ciphertext: Bytes;
    serialized: Bytes;
  }) {
    this.#messageVersion = fields.messageVersion;
    this.#distributionId = fields.distributionId;
    this.#chainId = fields.chainId;
    this.#iteration = fields.iteration;
    this.#ciphertext = fields.ciphertext;
    this.#serialized = fields.serialized;
  }

  /** Builds and signs a message (native's `_new`, used by groupEncrypt and tests). */
  static _new(
    messageVersion: number,
    distributionId: string,
    chainId: number,
    iteration: number,
    ciphertext: Uint8Array,
    pk: PrivateKey,
  ): SenderKeyMessage {
    const uuid = parseUuidOrThrow(distributionId);
    const body = new BinaryWriter()
      .tag(DISTRIBUTION_UUID, WireType.LengthDelimited)
      .bytes(uuid)
      .tag(CHAIN_ID, WireType.Varint)
      .uint32(chainId)
      .tag(ITERATION, WireType.Varint)
      .uint32(iteration)
      .tag(CIPHERTEXT, WireType.LengthDelimited)
      .bytes(ciphertext)
      .finish();
    const signed = concatBytes(Uint8Array.of(versionByte(messageVersion)), body);
    return new SenderKeyMessage({
      messageVersion: SENDERKEY_MESSAGE_CURRENT_VERSION,
      distributionId: uuid,
      chainId,
      iteration,
      ciphertext: copyBytes(ciphertext),
      serialized: concatBytes(signed, pk.sign(signed)),
    });
  }

  /** Parses without checking the signature (that needs the sender's key: verifySignature). */
  static deserialize(buffer: Uint8Array): SenderKeyMessage {
    if (buffer.length < 1 + SIGNATURE_LENGTH) {
      throw protocolError(
        'CiphertextMessageTooShort',
        OPERATION,
        `ciphertext serialized bytes were too short <${buffer.length}>`,
      );
    }
    const messageVersion = parseVersionByte(buffer[0] as number, OPERATION);
    const fields = ProtoFields.parse(
      buffer.subarray(1, buffer.length - SIGNATURE_LENGTH),
      OPERATION,
    );
    const distributionId = fields.bytes(DISTRIBUTION_UUID);
    const chainId = fields.uint32(CHAIN_ID);
    const iteration = fields.uint32(ITERATION);
    const ciphertext = fields.bytes(CIPHERTEXT);
    if (
      distributionId?.length !== UUID_LENGTH ||
      chainId === undefined ||
      iteration === undefined ||
      ciphertext === undefined
    ) {
      throw protocolError('InvalidProtobufEncoding', OPERATION, 'protobuf encoding was invalid');
    }
    return new SenderKeyMessage({
      messageVersion,
      distributionId,
      chainId,
      iteration,
      ciphertext,
      serialized: copyBytes(buffer),
    });
  }

  serialize(): Bytes {
    return copyBytes(this.#serialized);
  }

  ciphertext(): Bytes {
    return copyBytes(this.#ciphertext);
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

  verifySignature(key: PublicKey): boolean {
    const split = this.#serialized.length - SIGNATURE_LENGTH;
    return key.verify(this.#serialized.subarray(0, split), this.#serialized.subarray(split));
  }

  /** Internal: verifySignature through the faster async (WebCrypto) path, for groupDecrypt. */
  _verifySignatureAsync(key: PublicKey): Promise<boolean> {
    const split = this.#serialized.length - SIGNATURE_LENGTH;
    return key._verifyAsync(this.#serialized.subarray(0, split), this.#serialized.subarray(split));
  }
}
