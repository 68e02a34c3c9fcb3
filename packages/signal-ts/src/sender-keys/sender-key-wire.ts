/**
 * The wire layout both sender-key messages share (libsignal protocol.rs, wire.proto): version
 * byte (./version.ts) || protobuf {1 distribution_uuid (16 bytes), 2 chain_id, 3 iteration,
 * 4 payload} — the payload being the chain key of a SenderKeyDistributionMessage or the
 * ciphertext of a SenderKeyMessage; each message adds what is its own (a signing key, a signature).
 */
import { concatBytes, copyBytes, type Bytes } from '../bytes.js';
import { protocolError, type LibSignalErrorBase } from '../error.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf/reader.js';
import { stringifyUuid } from '../uuid.js';
import { parseVersionByte, versionByte } from './version.js';

const DISTRIBUTION_UUID = 1;
const CHAIN_ID = 2;
const ITERATION = 3;
const PAYLOAD = 4;
const UUID_LENGTH = 16;

export interface SenderKeyHeader {
  readonly messageVersion: number;
  /** 16 raw UUID bytes. */
  readonly distributionId: Bytes;
  readonly chainId: number;
  readonly iteration: number;
}

/** Version byte || protobuf fields 1-4, then `extend` appends the message's own fields. */
export function encodeSenderKeyWire(
  header: SenderKeyHeader,
  payload: Uint8Array,
  extend: (writer: BinaryWriter) => BinaryWriter = (writer) => writer,
): Bytes {
  const body = extend(
    new BinaryWriter()
      .tag(DISTRIBUTION_UUID, WireType.LengthDelimited)
      .bytes(header.distributionId)
      .tag(CHAIN_ID, WireType.Varint)
      .uint32(header.chainId)
      .tag(ITERATION, WireType.Varint)
      .uint32(header.iteration)
      .tag(PAYLOAD, WireType.LengthDelimited)
      .bytes(payload),
  ).finish();
  return concatBytes(Uint8Array.of(versionByte(header.messageVersion)), body);
}

export interface DecodedSenderKeyWire {
  readonly header: SenderKeyHeader;
  /** Field 4; undefined when absent (the caller decides what a valid payload is). */
  readonly payload: Bytes | undefined;
  /** Every field, for the message's own ones. */
  readonly fields: ProtoFields;
}

/**
 * Parses version byte || protobuf (any trailing signature already cut off).
 * @throws the version errors of parseVersionByte; InvalidProtobufEncoding for a missing or
 *   malformed header field.
 */
export function decodeSenderKeyWire(bytes: Uint8Array, operation: string): DecodedSenderKeyWire {
  const messageVersion = parseVersionByte(bytes[0] as number, operation);
  const fields = ProtoFields.parse(bytes.subarray(1), operation);
  const distributionId = fields.bytes(DISTRIBUTION_UUID);
  const chainId = fields.uint32(CHAIN_ID);
  const iteration = fields.uint32(ITERATION);
  if (distributionId?.length !== UUID_LENGTH || chainId === undefined || iteration === undefined) {
    throw invalidEncoding(operation);
  }
  return {
    header: { messageVersion, distributionId, chainId, iteration },
    payload: fields.bytes(PAYLOAD),
    fields,
  };
}

export function invalidEncoding(operation: string): LibSignalErrorBase {
  return protocolError('InvalidProtobufEncoding', operation, 'protobuf encoding was invalid');
}

export function tooShort(operation: string, length: number): LibSignalErrorBase {
  return protocolError(
    'CiphertextMessageTooShort',
    operation,
    `ciphertext serialized bytes were too short <${length}>`,
  );
}

/** The accessors both messages expose, over their header and their exact wire bytes. */
export abstract class SenderKeyWireMessage {
  readonly #header: SenderKeyHeader;
  readonly #serialized: Bytes;

  protected constructor(header: SenderKeyHeader, serialized: Bytes) {
    this.#header = header;
    this.#serialized = serialized;
  }

  /** The wire bytes, not copied: for subclasses that must not hand them out. */
  protected get wireBytes(): Bytes {
    return this.#serialized;
  }

  serialize(): Bytes {
    return copyBytes(this.#serialized);
  }

  iteration(): number {
    return this.#header.iteration;
  }

  chainId(): number {
    return this.#header.chainId;
  }

  /** Lowercase hyphenated UUID. */
  distributionId(): string {
    return stringifyUuid(this.#header.distributionId);
  }

  /** Internal: the version from the first byte's high nibble. */
  _messageVersion(): number {
    return this.#header.messageVersion;
  }
}
