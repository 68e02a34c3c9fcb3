/**
 * Storage encoding of a SessionState (our own protobuf layout, not libsignal's SessionStructure:
 * records never cross engines, only messages do). Field numbers are a stored format: never reuse
 * or renumber one.
 *
 *   SessionState      1 version, 2 local identity, 3 remote identity, 4 alice base key,
 *                     5 local registration id, 6 remote registration id, 7 root key,
 *                     8 previous counter, 9 sender chain, 10 receiver chain (repeated, oldest
 *                     first), 11 SPQR state, 12 pending prekey
 *   SenderChain       1 ratchet public, 2 ratchet private, 3 chain key, 4 chain index
 *   ReceiverChain     1 ratchet key, 2 chain key, 3 chain index, 4 skipped (index BE32 || seed 32)*
 *   PendingPreKey     1 one-time prekey id (absent = none), 2 signed prekey id, 3 base key, 4 timestamp
 *                     seconds, 5 Kyber prekey id, 6 Kyber ciphertext
 */
import type { Bytes } from '../bytes.js';
import { PrivateKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import { requiredBytes, requiredUint32 } from '../protobuf/required.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { ProtoFields } from '../protobuf/reader.js';
import { ChainKey } from '../ratchet/chain-key.js';
import type { ReceiverChain, SenderChain } from '../ratchet/double-ratchet.js';
import { RootKey } from '../ratchet/root-key.js';
import { deserializePqRatchet } from '../spqr/index.js';
import { SessionState, type PendingPreKey } from './session-state.js';

const SKIPPED_ENTRY_LENGTH = 36;
const OPERATION = 'SessionRecord_Deserialize';

export function encodeSessionState(state: SessionState): Bytes {
  const f = state.fields;
  const writer = new ProtoWriter()
    .uint32(1, f.version)
    .bytes(2, f.localIdentityKey)
    .bytes(3, f.remoteIdentityKey)
    .bytes(4, f.aliceBaseKey)
    .uint32(5, f.localRegistrationId)
    .uint32(6, f.remoteRegistrationId)
    .bytes(7, f.ratchet.rootKey.key)
    .uint32(8, f.ratchet.previousCounter)
    .bytes(9, encodeSenderChain(f.ratchet.senderChain));
  for (const chain of f.ratchet.receiverChains) writer.bytes(10, encodeReceiverChain(chain));
  writer.bytes(11, f.pq.serialize());
  if (f.pendingPreKey !== undefined) writer.bytes(12, encodePendingPreKey(f.pendingPreKey));
  return writer.finish();
}

/** @throws a libsignal error (InvalidProtobufEncoding / InvalidSessionStructure) on corrupt bytes. */
export function decodeSessionState(bytes: Uint8Array): SessionState {
  const p = ProtoFields.parse(bytes, OPERATION);
  const pending = p.bytes(12);
  return new SessionState({
    version: requiredUint32(p, 1, OPERATION),
    localIdentityKey: key(requiredBytes(p, 2, OPERATION), 33),
    remoteIdentityKey: key(requiredBytes(p, 3, OPERATION), 33),
    aliceBaseKey: key(requiredBytes(p, 4, OPERATION), 33),
    localRegistrationId: p.uint32(5) ?? 0,
    remoteRegistrationId: p.uint32(6) ?? 0,
    ratchet: {
      rootKey: new RootKey(key(requiredBytes(p, 7, OPERATION), 32)),
      previousCounter: p.uint32(8) ?? 0,
      senderChain: decodeSenderChain(requiredBytes(p, 9, OPERATION)),
      receiverChains: p.repeatedBytes(10).map(decodeReceiverChain),
    },
    pq: deserializePqRatchet(requiredBytes(p, 11, OPERATION)),
    pendingPreKey: pending === undefined ? undefined : decodePendingPreKey(pending),
  });
}

function encodeSenderChain(chain: SenderChain): Bytes {
  return new ProtoWriter()
    .bytes(1, chain.ratchetPublic)
    .bytes(2, chain.ratchetPrivate.serialize())
    .bytes(3, chain.chainKey.key)
    .uint32(4, chain.chainKey.index)
    .finish();
}

function decodeSenderChain(bytes: Uint8Array): SenderChain {
  const p = ProtoFields.parse(bytes, OPERATION);
  return {
    ratchetPublic: key(requiredBytes(p, 1, OPERATION), 33),
    ratchetPrivate: PrivateKey.deserialize(key(requiredBytes(p, 2, OPERATION), 32)),
    chainKey: new ChainKey(key(requiredBytes(p, 3, OPERATION), 32), p.uint32(4) ?? 0),
  };
}

function encodeReceiverChain(chain: ReceiverChain): Bytes {
  const packed = new Uint8Array(chain.skipped.size * SKIPPED_ENTRY_LENGTH);
  const view = new DataView(packed.buffer);
  let at = 0;
  for (const [index, seed] of chain.skipped) {
    view.setUint32(at, index, false);
    packed.set(seed, at + 4);
    at += SKIPPED_ENTRY_LENGTH;
  }
  return new ProtoWriter()
    .bytes(1, chain.ratchetKey)
    .bytes(2, chain.chainKey.key)
    .uint32(3, chain.chainKey.index)
    .bytes(4, packed)
    .finish();
}

function decodeReceiverChain(bytes: Uint8Array): ReceiverChain {
  const p = ProtoFields.parse(bytes, OPERATION);
  const packed = p.bytes(4) ?? new Uint8Array(0);
  if (packed.length % SKIPPED_ENTRY_LENGTH !== 0)
    throw protocolError('InvalidSessionStructure', OPERATION, 'invalid skipped keys');
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const skipped = new Map<number, Bytes>();
  for (let at = 0; at < packed.length; at += SKIPPED_ENTRY_LENGTH) {
    skipped.set(view.getUint32(at, false), packed.slice(at + 4, at + SKIPPED_ENTRY_LENGTH));
  }
  return {
    ratchetKey: key(requiredBytes(p, 1, OPERATION), 33),
    chainKey: new ChainKey(key(requiredBytes(p, 2, OPERATION), 32), p.uint32(3) ?? 0),
    skipped,
  };
}

function encodePendingPreKey(pending: PendingPreKey): Bytes {
  return new ProtoWriter()
    .uint32(1, pending.preKeyId ?? undefined)
    .uint32(2, pending.signedPreKeyId)
    .bytes(3, pending.baseKey)
    .uint32(4, Math.floor(pending.timestamp / 1000))
    .uint32(5, pending.kyberPreKeyId)
    .bytes(6, pending.kyberCiphertext)
    .finish();
}

function decodePendingPreKey(bytes: Uint8Array): PendingPreKey {
  const p = ProtoFields.parse(bytes, OPERATION);
  return {
    preKeyId: p.uint32(1) ?? null,
    signedPreKeyId: requiredUint32(p, 2, OPERATION),
    baseKey: key(requiredBytes(p, 3, OPERATION), 33),
    timestamp: requiredUint32(p, 4, OPERATION) * 1000,
    kyberPreKeyId: requiredUint32(p, 5, OPERATION),
    kyberCiphertext: requiredBytes(p, 6, OPERATION),
  };
}

function key(bytes: Bytes, length: number): Bytes {
  if (bytes.length !== length)
    throw protocolError(
      'InvalidSessionStructure',
      OPERATION,
      `stored key of ${bytes.length} bytes`,
    );
  return bytes;
}
