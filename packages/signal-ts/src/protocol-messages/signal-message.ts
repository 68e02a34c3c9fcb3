/**
 * SignalMessage, the Double Ratchet message (libsignal `protocol.rs`; SignalMessage in
 * index.d.ts): version byte || protobuf {1 ratchet_key, 2 counter, 3 previous_counter,
 * 4 ciphertext, 5 pq_ratchet, 6 addresses} || MAC (8). The MAC is HMAC-SHA256 truncated to 8 bytes
 * over sender identity (33) || receiver identity (33) || version byte || protobuf.
 */
import { constantTimeEqual, copyBytes, type Bytes } from '../bytes.js';
import { MAC_LENGTH } from '../consts.js';
import { PublicKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import { requiredBytes, requiredUint32 } from '../protobuf/required.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { ProtoFields } from '../protobuf/reader.js';
import { hmacSha256 } from '../ratchet/kdf.js';
import { readMessageVersion, versionByte } from './version.js';

/** Anything that serializes like a libsignal PublicKey (33 bytes, type byte 0x05). */
export interface SerializedKey {
  serialize(): Uint8Array;
}

export interface SignalMessageFields {
  readonly messageVersion: number;
  readonly senderRatchetKey: Bytes;
  readonly counter: number;
  readonly previousCounter: number;
  readonly ciphertext: Bytes;
  readonly pqRatchet: Bytes;
  readonly addresses: Bytes | undefined;
}

export class SignalMessage {
  private constructor(
    private readonly fields: SignalMessageFields,
    private readonly serialized: Bytes,
  ) {}

  /** Builds and MACs a message (libsignal's `_new`, plus the optional address binding). */
  static _new(
    messageVersion: number,
    macKey: Uint8Array,
    senderRatchetKey: SerializedKey,
    counter: number,
    previousCounter: number,
    ciphertext: Uint8Array,
    senderIdentityKey: SerializedKey,
    receiverIdentityKey: SerializedKey,
    pqRatchet: Uint8Array,
    addresses?: Uint8Array,
  ): SignalMessage {
    const fields: SignalMessageFields = {
      messageVersion,
      senderRatchetKey: copyBytes(senderRatchetKey.serialize()),
      counter,
      previousCounter,
      ciphertext: copyBytes(ciphertext),
      pqRatchet: copyBytes(pqRatchet),
      addresses: addresses === undefined ? undefined : copyBytes(addresses),
    };
    const body = new ProtoWriter()
      .bytes(1, fields.senderRatchetKey)
      .uint32(2, counter)
      .uint32(3, previousCounter)
      .bytes(4, fields.ciphertext)
      .bytes(5, pqRatchet.length === 0 ? undefined : fields.pqRatchet)
      .bytes(6, fields.addresses)
      .finish();
    const content = new Uint8Array(1 + body.length + MAC_LENGTH);
    content[0] = versionByte(messageVersion);
    content.set(body, 1);
    const mac = computeMac(
      senderIdentityKey.serialize(),
      receiverIdentityKey.serialize(),
      macKey,
      content.subarray(0, 1 + body.length),
    );
    content.set(mac, 1 + body.length);
    return new SignalMessage(fields, content);
  }

  static deserialize(buffer: Uint8Array): SignalMessage {
    const operation = 'SignalMessage_Deserialize';
    if (buffer.length < MAC_LENGTH + 1) {
      throw protocolError(
        'CiphertextMessageTooShort',
        operation,
        `message too short (${buffer.length} bytes)`,
      );
    }
    const messageVersion = readMessageVersion(buffer[0] as number, operation);
    const proto = ProtoFields.parse(buffer.subarray(1, buffer.length - MAC_LENGTH), operation);
    const fields: SignalMessageFields = {
      messageVersion,
      // Normalized through PublicKey so chain lookups compare canonical 33-byte encodings.
      senderRatchetKey: PublicKey.deserialize(requiredBytes(proto, 1, operation)).serialize(),
      counter: requiredUint32(proto, 2, operation),
      previousCounter: proto.uint32(3) ?? 0,
      ciphertext: requiredBytes(proto, 4, operation),
      pqRatchet: proto.bytes(5) ?? new Uint8Array(0),
      addresses: proto.bytes(6),
    };
    return new SignalMessage(fields, copyBytes(buffer));
  }

  body(): Bytes {
    return copyBytes(this.fields.ciphertext);
  }

  pqRatchet(): Bytes {
    return copyBytes(this.fields.pqRatchet);
  }

  counter(): number {
    return this.fields.counter;
  }

  messageVersion(): number {
    return this.fields.messageVersion;
  }

  serialize(): Bytes {
    return copyBytes(this.serialized);
  }

  /** Internal (session): the parsed fields, shared not copied — callers must not mutate them. */
  _fields(): SignalMessageFields {
    return this.fields;
  }

  /**
   * Internal (session): checks the MAC, then the address binding if the sender included one.
   * `expectedAddresses` is the binding we would have written, undefined when our addresses are not
   * service ids (then a present binding cannot match and the message is refused, as native does).
   */
  _verifyMac(
    senderIdentityKey: Uint8Array,
    receiverIdentityKey: Uint8Array,
    macKey: Uint8Array,
    expectedAddresses: Uint8Array | undefined,
  ): boolean {
    const contentLength = this.serialized.length - MAC_LENGTH;
    const ours = computeMac(
      senderIdentityKey,
      receiverIdentityKey,
      macKey,
      this.serialized.subarray(0, contentLength),
    );
    if (!constantTimeEqual(ours, this.serialized.subarray(contentLength))) return false;
    const theirs = this.fields.addresses;
    if (theirs === undefined) return true;
    return expectedAddresses !== undefined && constantTimeEqual(expectedAddresses, theirs);
  }
}

function computeMac(
  senderIdentityKey: Uint8Array,
  receiverIdentityKey: Uint8Array,
  macKey: Uint8Array,
  content: Uint8Array,
): Bytes {
  const input = new Uint8Array(
    senderIdentityKey.length + receiverIdentityKey.length + content.length,
  );
  input.set(senderIdentityKey, 0);
  input.set(receiverIdentityKey, senderIdentityKey.length);
  input.set(content, senderIdentityKey.length + receiverIdentityKey.length);
  return hmacSha256(macKey, input).slice(0, MAC_LENGTH);
}
