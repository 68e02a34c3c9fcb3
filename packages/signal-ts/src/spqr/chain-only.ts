/**
 * Chain-only SPQR: the SPQR key chain of epoch 1 without the KEM state machine (docs/protocol-notes.md,
 * "chain-only" milestone). Every outgoing payload is `{V1, epoch 1, index, None}`; incoming chunks
 * are parsed and ignored. libsignal-client 0.103 accepts this because its state machine keeps its
 * state when a same-epoch payload carries nothing new.
 *
 * What it does NOT give: post-quantum recovery. The epoch never advances, so no fresh ML-KEM secret
 * is ever mixed in after PQXDH; every SPQR key is a deterministic function of the PQXDH SPQR auth
 * key. Messages stay protected against a later quantum attack on recorded X25519 traffic as long as
 * the PQXDH Kyber-1024 secret is, but after a compromise of session state an attacker able to break
 * X25519 can follow every later DH ratchet step and already holds the SPQR chain: the session heals
 * only against classical attackers, and only a new PQXDH session restores post-quantum secrecy.
 * The full SPQR replaces this class behind PqRatchet.
 */
import type { Bytes } from '../bytes.js';
import { protocolError } from '../error.js';
import { requiredBytes, requiredUint32 } from '../protobuf/required.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { ProtoFields } from '../protobuf/reader.js';
import { ChainDirection, startChains } from './chain.js';
import { decodePqMessage, encodePqMessage, PqMessageType, SPQR_VERSION_V1 } from './message.js';
import type { PqChainParams, PqDirection, PqRatchet, PqSend } from './pq-ratchet.js';
import { PqRatchetError } from './pq-ratchet.js';

/** The only epoch a chain-only ratchet ever uses (its keys come from chain epoch 0). */
const CHAIN_ONLY_EPOCH = 1;
/** Tag of this implementation in serialized state, so a full SPQR can recognize and upgrade it. */
const STATE_KIND_CHAIN_ONLY = 1;
/** Stored SPQR state is only ever read back as part of a session record. */
const OPERATION = 'SessionRecord_Deserialize';

export class ChainOnlyPqRatchet implements PqRatchet {
  private constructor(
    private readonly direction: PqDirection,
    private readonly params: PqChainParams,
    private readonly sending: ChainDirection,
    private readonly receiving: ChainDirection,
  ) {}

  static initial(
    authKey: Uint8Array,
    direction: PqDirection,
    params: PqChainParams,
  ): ChainOnlyPqRatchet {
    const { a2b, b2a } = startChains(authKey);
    const [ours, theirs] = direction === 'A2B' ? [a2b, b2a] : [b2a, a2b];
    return new ChainOnlyPqRatchet(
      direction,
      params,
      new ChainDirection(0, ours),
      new ChainDirection(0, theirs),
    );
  }

  send(): PqSend {
    const { index, key } = this.sending.nextKey();
    const message = encodePqMessage({
      epoch: CHAIN_ONLY_EPOCH,
      index,
      type: PqMessageType.None,
      chunk: undefined,
    });
    return { message, key };
  }

  recv(message: Uint8Array): Bytes | undefined {
    const version = message[0];
    // An empty payload is SPQR version 0, which both sides refuse (minimum version V1).
    if (version === undefined || version === 0) throw new PqRatchetError('minimum version not met');
    // A newer version than ours is ignored by the reference too: no key, no state change.
    if (version > SPQR_VERSION_V1) return undefined;
    const { epoch, index } = decodePqMessage(message);
    if (epoch !== CHAIN_ONLY_EPOCH) throw new PqRatchetError(`epoch ${epoch} not reachable`);
    // Index 0 of the first epoch means the sender had no key for this message.
    if (index === 0) return undefined;
    return this.receiving.keyAt(index, this.params);
  }

  clone(): PqRatchet {
    return new ChainOnlyPqRatchet(
      this.direction,
      this.params,
      this.sending.clone(),
      this.receiving.clone(),
    );
  }

  serialize(): Bytes {
    return new ProtoWriter()
      .uint32(1, STATE_KIND_CHAIN_ONLY)
      .uint32(2, this.direction === 'A2B' ? 0 : 1)
      .uint32(3, this.params.maxJump)
      .uint32(4, this.params.maxOutOfOrderKeys)
      .bytes(5, encodeDirection(this.sending))
      .bytes(6, encodeDirection(this.receiving))
      .finish();
  }

  static deserialize(bytes: Uint8Array): ChainOnlyPqRatchet {
    const fields = ProtoFields.parse(bytes, OPERATION);
    if (requiredUint32(fields, 1, OPERATION) !== STATE_KIND_CHAIN_ONLY) {
      throw protocolError(
        'InvalidSessionStructure',
        OPERATION,
        'unknown post-quantum ratchet state',
      );
    }
    const direction: PqDirection = requiredUint32(fields, 2, OPERATION) === 0 ? 'A2B' : 'B2A';
    const params = {
      maxJump: requiredUint32(fields, 3, OPERATION),
      maxOutOfOrderKeys: requiredUint32(fields, 4, OPERATION),
    };
    return new ChainOnlyPqRatchet(
      direction,
      params,
      decodeDirection(requiredBytes(fields, 5, OPERATION)),
      decodeDirection(requiredBytes(fields, 6, OPERATION)),
    );
  }
}

/** Skipped keys are packed as index (4 bytes BE) || key (32), like the reference's KeyHistory. */
function encodeDirection(chain: ChainDirection): Bytes {
  const packed = new Uint8Array(chain.skipped.size * 36);
  const view = new DataView(packed.buffer);
  let at = 0;
  for (const [index, key] of chain.skipped) {
    view.setUint32(at, index, false);
    packed.set(key, at + 4);
    at += 36;
  }
  return new ProtoWriter().uint32(1, chain.counter).bytes(2, chain.next).bytes(3, packed).finish();
}

function decodeDirection(bytes: Uint8Array): ChainDirection {
  const fields = ProtoFields.parse(bytes, OPERATION);
  const next = requiredBytes(fields, 2, OPERATION);
  const packed = fields.bytes(3) ?? new Uint8Array(0);
  if (next.length !== 32 || packed.length % 36 !== 0)
    throw protocolError('InvalidSessionStructure', OPERATION, 'invalid post-quantum ratchet chain');
  const skipped = new Map<number, Bytes>();
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  for (let at = 0; at < packed.length; at += 36) {
    skipped.set(view.getUint32(at, false), packed.slice(at + 4, at + 36));
  }
  return new ChainDirection(fields.uint32(1) ?? 0, next, skipped);
}
