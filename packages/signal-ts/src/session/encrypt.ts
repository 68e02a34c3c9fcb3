/**
 * signalEncrypt (libsignal `session_management.rs` message_encrypt, `triple_ratchet.rs` encrypt):
 * one message on the current sending chain, salted by the SPQR key, MACed over both identities;
 * wrapped in a PreKeySignalMessage (with the address binding) until the peer has answered.
 */
import type { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import { CiphertextMessage, CiphertextMessageType } from '../ciphertext-message.js';
import { PublicKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import { encodeAddressBinding } from '../protocol-messages/address-binding.js';
import { PreKeySignalMessage } from '../protocol-messages/pre-key-signal-message.js';
import { SignalMessage } from '../protocol-messages/signal-message.js';
import { encryptBody } from '../ratchet/message-cipher.js';
import { deriveMessageKeys } from '../ratchet/message-keys.js';
import { Direction, type IdentityKeyStore, type SessionStore } from '../storage/index.js';
import type { ChainKey } from '../ratchet/chain-key.js';
import type { PqRatchet } from '../spqr/index.js';
import type { SessionStateFields } from './session-state.js';
import { requireTrustedIdentity } from './identity.js';
import { callStore } from './store-call.js';

const OPERATION = 'SessionCipher_EncryptMessage';

export async function signalEncrypt(
  message: Uint8Array,
  address: ProtocolAddress,
  localAddress: ProtocolAddress,
  sessionStore: SessionStore,
  identityStore: IdentityKeyStore,
  now: Date = new Date(),
): Promise<CiphertextMessage> {
  const record = await callStore(OPERATION, 'getSession', () => sessionStore.getSession(address));
  const current = record?._current();
  if (record === null || current === undefined || !current.isUsableForSending(now)) {
    throw protocolError(
      'SessionNotFound',
      OPERATION,
      `session with ${address.toString()} not found`,
    );
  }
  // Sending changes only the SPQR state and the sending chain key: both are computed on the side and
  // committed once everything succeeded (no full state copy, which would copy the skipped keys).
  const fields = current.fields;
  const pq = fields.pq.clone();
  const { ciphertext, nextChainKey } = encryptWithState(fields, pq, message, localAddress, address);

  const theirIdentity = PublicKey.deserialize(fields.remoteIdentityKey);
  await requireTrustedIdentity(OPERATION, identityStore, address, theirIdentity, Direction.Sending);
  await callStore(OPERATION, 'saveIdentity', () =>
    identityStore.saveIdentity(address, theirIdentity),
  );
  fields.pq = pq;
  fields.ratchet.senderChain.chainKey = nextChainKey;
  await callStore(OPERATION, 'saveSession', () => sessionStore.saveSession(address, record));
  return ciphertext;
}

/** Encrypts with the current sending chain key; advances only `pqRatchet` (a copy). */
function encryptWithState(
  fields: SessionStateFields,
  pqRatchet: PqRatchet,
  plaintext: Uint8Array,
  localAddress: ProtocolAddress,
  remoteAddress: ProtocolAddress,
): { ciphertext: CiphertextMessage; nextChainKey: ChainKey } {
  const sender = fields.ratchet.senderChain;
  const nextChainKey = sender.chainKey.next();
  const pq = pqRatchet.send();
  const keys = deriveMessageKeys(sender.chainKey.messageKeySeed(), pq.key, sender.chainKey.index);
  const pending = fields.pendingPreKey;
  const signalMessage = SignalMessage._new(
    fields.version,
    keys.macKey,
    bytesKey(sender.ratchetPublic),
    sender.chainKey.index,
    fields.ratchet.previousCounter,
    encryptBody(plaintext, keys.cipherKey, keys.iv),
    bytesKey(fields.localIdentityKey),
    bytesKey(fields.remoteIdentityKey),
    pq.message,
    pending === undefined ? undefined : encodeAddressBinding(localAddress, remoteAddress),
  );
  if (pending === undefined) {
    const ciphertext = CiphertextMessage._fromSerialized(
      CiphertextMessageType.Whisper,
      signalMessage.serialize(),
    );
    return { ciphertext, nextChainKey };
  }
  const preKeyMessage = PreKeySignalMessage._new(
    fields.version,
    fields.localRegistrationId,
    pending.preKeyId,
    pending.signedPreKeyId,
    bytesKey(pending.baseKey),
    bytesKey(fields.localIdentityKey),
    signalMessage,
    { preKeyId: pending.kyberPreKeyId, ciphertext: pending.kyberCiphertext },
  );
  const ciphertext = CiphertextMessage._fromSerialized(
    CiphertextMessageType.PreKey,
    preKeyMessage.serialize(),
  );
  return { ciphertext, nextChainKey };
}

/** Already-serialized key bytes in the shape the message constructors take. */
function bytesKey(bytes: Bytes): { serialize(): Bytes } {
  return { serialize: () => bytes };
}
