/**
 * PreKeySignalMessage: the first messages of a session the sender built from a prekey bundle,
 * repeated until the peer answers (libsignal `protocol.rs`; PreKeySignalMessage in index.d.ts).
 * Version byte || protobuf {1 pre_key_id, 2 base_key, 3 identity_key, 4 message (a whole
 * SignalMessage), 5 registration_id, 6 signed_pre_key_id, 7 kyber_pre_key_id, 8 kyber_ciphertext}.
 * Not MACed itself: the inner SignalMessage's MAC covers both identities, and the base key and
 * Kyber ciphertext feed the PQXDH secret, so tampering with them breaks that MAC.
 */
import { copyBytes, type Bytes } from '../bytes.js';
import { protocolError } from '../error.js';
import { requiredBytes, requiredUint32 } from '../protobuf/required.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { ProtoFields } from '../protobuf/reader.js';
import { PublicKey } from '../curve/keys.js';
import { SignalMessage, type SerializedKey } from './signal-message.js';
import {
  CIPHERTEXT_MESSAGE_PRE_KYBER_VERSION,
  readMessageVersion,
  versionByte,
} from './version.js';

export interface KyberPayload {
  readonly preKeyId: number;
  /** Serialized KEM ciphertext, type byte included. */
  readonly ciphertext: Bytes;
}

export interface PreKeySignalMessageFields {
  readonly messageVersion: number;
  readonly registrationId: number;
  readonly preKeyId: number | null;
  readonly signedPreKeyId: number;
  readonly kyber: KyberPayload | undefined;
  readonly baseKey: Bytes;
  readonly identityKey: Bytes;
  readonly message: SignalMessage;
}

export class PreKeySignalMessage {
  private constructor(
    private readonly fields: PreKeySignalMessageFields,
    private readonly serialized: Bytes,
  ) {}

  /** libsignal's `_new`, plus the Kyber payload every version-4 message carries. */
  static _new(
    messageVersion: number,
    registrationId: number,
    preKeyId: number | null,
    signedPreKeyId: number,
    baseKey: SerializedKey,
    identityKey: SerializedKey,
    signalMessage: SignalMessage,
    kyber?: KyberPayload,
  ): PreKeySignalMessage {
    const fields: PreKeySignalMessageFields = {
      messageVersion,
      registrationId,
      preKeyId,
      signedPreKeyId,
      kyber,
      baseKey: copyBytes(baseKey.serialize()),
      identityKey: copyBytes(identityKey.serialize()),
      message: signalMessage,
    };
    const body = new ProtoWriter()
      .uint32(1, preKeyId ?? undefined)
      .bytes(2, fields.baseKey)
      .bytes(3, fields.identityKey)
      .bytes(4, signalMessage.serialize())
      .uint32(5, registrationId)
      .uint32(6, signedPreKeyId)
      .uint32(7, kyber?.preKeyId)
      .bytes(8, kyber?.ciphertext)
      .finish();
    const serialized = new Uint8Array(1 + body.length);
    serialized[0] = versionByte(messageVersion);
    serialized.set(body, 1);
    return new PreKeySignalMessage(fields, serialized);
  }

  static deserialize(buffer: Uint8Array): PreKeySignalMessage {
    const operation = 'PreKeySignalMessage_Deserialize';
    if (buffer.length === 0) {
      throw protocolError('CiphertextMessageTooShort', operation, 'message too short (0 bytes)');
    }
    const messageVersion = readMessageVersion(buffer[0] as number, operation);
    const proto = ProtoFields.parse(buffer.subarray(1), operation);
    // Keys are normalized: native accepts trailing bytes after a key and re-serializes to 33 bytes.
    const baseKey = PublicKey.deserialize(requiredBytes(proto, 2, operation)).serialize();
    const identityKey = PublicKey.deserialize(requiredBytes(proto, 3, operation)).serialize();
    const inner = requiredBytes(proto, 4, operation);
    const signedPreKeyId = requiredUint32(proto, 6, operation);
    const fields: PreKeySignalMessageFields = {
      messageVersion,
      registrationId: proto.uint32(5) ?? 0,
      preKeyId: proto.uint32(1) ?? null,
      signedPreKeyId,
      kyber: readKyberPayload(proto, messageVersion, operation),
      baseKey,
      identityKey,
      message: SignalMessage.deserialize(inner),
    };
    return new PreKeySignalMessage(fields, copyBytes(buffer));
  }

  preKeyId(): number | null {
    return this.fields.preKeyId;
  }

  registrationId(): number {
    return this.fields.registrationId;
  }

  signedPreKeyId(): number {
    return this.fields.signedPreKeyId;
  }

  version(): number {
    return this.fields.messageVersion;
  }

  serialize(): Bytes {
    return copyBytes(this.serialized);
  }

  /** Internal (session): the parsed fields, shared not copied — callers must not mutate them. */
  _fields(): PreKeySignalMessageFields {
    return this.fields;
  }
}

/** Both Kyber fields or neither; neither only for X3DH-era (version 3) messages. */
function readKyberPayload(
  proto: ProtoFields,
  messageVersion: number,
  operation: string,
): KyberPayload | undefined {
  const preKeyId = proto.uint32(7);
  const ciphertext = proto.bytes(8);
  if (preKeyId !== undefined && ciphertext !== undefined) return { preKeyId, ciphertext };
  if (preKeyId === undefined && ciphertext === undefined) {
    if (messageVersion <= CIPHERTEXT_MESSAGE_PRE_KYBER_VERSION) return undefined;
    throw protocolError(
      'InvalidMessage',
      operation,
      'Kyber pre key must be present for this session version',
    );
  }
  throw protocolError(
    'InvalidMessage',
    operation,
    'both or neither Kyber pre key id and ciphertext must be present',
  );
}
