/**
 * signalEncrypt (libsignal `session_management.rs` message_encrypt, `triple_ratchet.rs` encrypt):
 * one message on the current sending chain, salted by the SPQR key, MACed over both identities;
 * wrapped in a PreKeySignalMessage (with the address binding) until the peer has answered.
 */
import type { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import { CiphertextMessage, CiphertextMessageType } from '../ciphertext-message.js';
import { PublicKey } from '../curve/keys.js';
import { protocolError, untrustedIdentityError } from '../error.js';
import { encodeAddressBinding } from '../protocol-messages/address-binding.js';
import { PreKeySignalMessage } from '../protocol-messages/pre-key-signal-message.js';
import { SignalMessage } from '../protocol-messages/signal-message.js';
import { encryptBody } from '../ratchet/message-cipher.js';
import { deriveMessageKeys } from '../ratchet/message-keys.js';
import { Direction, type IdentityKeyStore, type SessionStore } from '../storage/index.js';
import type { SessionState } from './session-state.js';
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
  // Work on a copy: nothing changes in the record unless the whole operation succeeds.
  const state = current.clone();
  const ciphertext = encryptWithState(state, message, localAddress, address);

  const theirIdentity = PublicKey.deserialize(state.fields.remoteIdentityKey);
  const trusted = await callStore(OPERATION, 'isTrustedIdentity', () =>
    identityStore.isTrustedIdentity(address, theirIdentity, Direction.Sending),
  );
  if (!trusted) {
    throw untrustedIdentityError(OPERATION, address);
  }
  await callStore(OPERATION, 'saveIdentity', () =>
    identityStore.saveIdentity(address, theirIdentity),
  );
  record._setCurrent(state);
  await callStore(OPERATION, 'saveSession', () => sessionStore.saveSession(address, record));
  return ciphertext;
}

function encryptWithState(
  state: SessionState,
  plaintext: Uint8Array,
  localAddress: ProtocolAddress,
  remoteAddress: ProtocolAddress,
): CiphertextMessage {
  const fields = state.fields;
  const sender = fields.ratchet.senderChain;
  const pq = fields.pq.send();
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
  sender.chainKey = sender.chainKey.next();
  if (pending === undefined) {
    return CiphertextMessage._fromSerialized(
      CiphertextMessageType.Whisper,
      signalMessage.serialize(),
    );
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
  return CiphertextMessage._fromSerialized(CiphertextMessageType.PreKey, preKeyMessage.serialize());
}

/** Already-serialized key bytes in the shape the message constructors take. */
function bytesKey(bytes: Bytes): { serialize(): Bytes } {
  return { serialize: () => bytes };
}
