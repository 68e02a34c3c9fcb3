/**
 * SenderKeyDistributionMessage: how a sender hands its chain key and signing key to each group
 * member over their 1:1 sessions (libsignal protocol.rs, wire.proto): the shared sender-key
 * layout (./sender-key-wire.ts) with the chain key (32 bytes) as field 4, and 5 signing_key (33).
 */
import { copyBytes, randomBytes, type Bytes } from '../bytes.js';
import {
  CURVE25519_KEY_LENGTH,
  PUBLIC_KEY_SERIALIZED_LENGTH,
  SENDERKEY_MESSAGE_CURRENT_VERSION,
} from '../consts.js';
import type { ProtocolAddress } from '../address.js';
import { PrivateKey, PublicKey } from '../curve/index.js';
import { WireType } from '../protobuf/reader.js';
import type { SenderKeyStore } from '../storage/traits.js';
import { parseUuidOrThrow, stringifyUuid } from '../uuid.js';
import { SenderKeyRecord } from './sender-key-record.js';
import { SenderKeyState } from './sender-key-state.js';
import { invalidSenderKeySession } from './errors.js';
import {
  decodeSenderKeyWire,
  encodeSenderKeyWire,
  invalidEncoding,
  SenderKeyWireMessage,
  tooShort,
  type SenderKeyHeader,
} from './sender-key-wire.js';

const SIGNING_KEY = 5;
const OPERATION = 'SenderKeyDistributionMessage_Deserialize';

/** Random 31-bit chain id (libsignal-protocol-java compatibility, as libsignal does). */
function randomChainId(): number {
  const bytes = randomBytes(4);
  return new DataView(bytes.buffer).getUint32(0) >>> 1;
}

export class SenderKeyDistributionMessage extends SenderKeyWireMessage {
  readonly #chainKey: Bytes;
  readonly #signingKey: PublicKey;

  private constructor(
    header: SenderKeyHeader,
    chainKey: Bytes,
    signingKey: PublicKey,
    serialized: Bytes,
  ) {
    super(header, serialized);
    this.#chainKey = chainKey;
    this.#signingKey = signingKey;
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
    const header = {
      messageVersion,
      distributionId: parseUuidOrThrow(distributionId),
      chainId,
      iteration,
    };
    const serialized = encodeSenderKeyWire(header, chainKey, (writer) =>
      writer.tag(SIGNING_KEY, WireType.LengthDelimited).bytes(pk.serialize()),
    );
    return new SenderKeyDistributionMessage(header, copyBytes(chainKey), pk, serialized);
  }

  static deserialize(buffer: Uint8Array): SenderKeyDistributionMessage {
    // At least a version byte, a chain key and a public key.
    if (buffer.length < 1 + 32 + 32) throw tooShort(OPERATION, buffer.length);
    const { header, payload: chainKey, fields } = decodeSenderKeyWire(buffer, OPERATION);
    const signingKey = fields.bytes(SIGNING_KEY);
    if (
      chainKey?.length !== CURVE25519_KEY_LENGTH ||
      signingKey?.length !== PUBLIC_KEY_SERIALIZED_LENGTH
    ) {
      throw invalidEncoding(OPERATION);
    }
    return new SenderKeyDistributionMessage(
      header,
      chainKey,
      PublicKey.deserialize(signingKey),
      copyBytes(buffer),
    );
  }

  chainKey(): Bytes {
    return copyBytes(this.#chainKey);
  }

  /** Internal: the sender's public signing key. */
  _signingKey(): PublicKey {
    return this.#signingKey;
  }
}
