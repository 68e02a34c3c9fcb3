/**
 * SenderKeyMessage, the group message on the wire (libsignal protocol.rs, wire.proto): the shared
 * sender-key layout (./sender-key-wire.ts) with the ciphertext as field 4, followed by a 64-byte
 * XEdDSA signature by the sender's signing key over everything before it.
 */
import { copyBytes, concatBytes, type Bytes } from '../bytes.js';
import { SENDERKEY_MESSAGE_CURRENT_VERSION, SIGNATURE_LENGTH } from '../consts.js';
import type { PrivateKey, PublicKey } from '../curve/index.js';
import { parseUuidOrThrow } from '../uuid.js';
import {
  decodeSenderKeyWire,
  encodeSenderKeyWire,
  invalidEncoding,
  SenderKeyWireMessage,
  tooShort,
  type SenderKeyHeader,
} from './sender-key-wire.js';

const OPERATION = 'SenderKeyMessage_Deserialize';

export class SenderKeyMessage extends SenderKeyWireMessage {
  readonly #ciphertext: Bytes;

  private constructor(header: SenderKeyHeader, ciphertext: Bytes, serialized: Bytes) {
    super(header, serialized);
    this.#ciphertext = ciphertext;
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
    const distributionUuid = parseUuidOrThrow(distributionId);
    const signed = encodeSenderKeyWire(
      { messageVersion, distributionId: distributionUuid, chainId, iteration },
      ciphertext,
    );
    // As native: the object reports the current version whatever version byte was written.
    return new SenderKeyMessage(
      {
        messageVersion: SENDERKEY_MESSAGE_CURRENT_VERSION,
        distributionId: distributionUuid,
        chainId,
        iteration,
      },
      copyBytes(ciphertext),
      concatBytes(signed, pk.sign(signed)),
    );
  }

  /** Parses without checking the signature (that needs the sender's key: verifySignature). */
  static deserialize(buffer: Uint8Array): SenderKeyMessage {
    if (buffer.length < 1 + SIGNATURE_LENGTH) throw tooShort(OPERATION, buffer.length);
    const { header, payload } = decodeSenderKeyWire(
      buffer.subarray(0, buffer.length - SIGNATURE_LENGTH),
      OPERATION,
    );
    if (payload === undefined) throw invalidEncoding(OPERATION);
    return new SenderKeyMessage(header, payload, copyBytes(buffer));
  }

  ciphertext(): Bytes {
    return copyBytes(this.#ciphertext);
  }

  verifySignature(key: PublicKey): boolean {
    const split = this.wireBytes.length - SIGNATURE_LENGTH;
    return key.verify(this.wireBytes.subarray(0, split), this.wireBytes.subarray(split));
  }

  /** Internal: verifySignature through the faster async (WebCrypto) path, for groupDecrypt. */
  _verifySignatureAsync(key: PublicKey): Promise<boolean> {
    const split = this.wireBytes.length - SIGNATURE_LENGTH;
    return key._verifyAsync(this.wireBytes.subarray(0, split), this.wireBytes.subarray(split));
  }
}
