/**
 * The decrypting entry points (libsignal `session_management.rs` message_decrypt_signal /
 * message_decrypt_prekey): load the record, decrypt, check the peer's identity, and only then
 * persist the record, the identity and the prekey bookkeeping.
 */
import type { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import { CiphertextMessageType } from '../ciphertext-message.js';
import { PublicKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import type { PreKeySignalMessage } from '../protocol-messages/pre-key-signal-message.js';
import type { SignalMessage } from '../protocol-messages/signal-message.js';
import {
  Direction,
  type IdentityKeyStore,
  type KyberPreKeyStore,
  type PreKeyStore,
  type SessionStore,
  type SignedPreKeyStore,
} from '../storage/index.js';
import { decryptWithRecord } from './decrypt.js';
import { processPreKeyMessage } from './session-builder.js';
import { SessionRecord } from './session-record.js';
import { requireTrustedIdentity } from './identity.js';
import { callStore } from './store-call.js';

export async function signalDecrypt(
  message: SignalMessage,
  address: ProtocolAddress,
  localAddress: ProtocolAddress,
  sessionStore: SessionStore,
  identityStore: IdentityKeyStore,
): Promise<Bytes> {
  const operation = 'SessionCipher_DecryptSignalMessage';
  const record = await callStore(operation, 'getSession', () => sessionStore.getSession(address));
  if (record === null) {
    throw protocolError(
      'SessionNotFound',
      operation,
      `session with ${address.toString()} not found`,
    );
  }
  const decrypted = await decryptWithRecord(record, message, {
    remoteAddress: address,
    localAddress,
    messageType: CiphertextMessageType.Whisper,
    operation,
  });
  const theirIdentity = PublicKey.deserialize(decrypted.state.fields.remoteIdentityKey);
  await requireTrustedIdentity(
    operation,
    identityStore,
    address,
    theirIdentity,
    Direction.Receiving,
  );
  await callStore(operation, 'saveIdentity', () =>
    identityStore.saveIdentity(address, theirIdentity),
  );
  decrypted.commit();
  await callStore(operation, 'saveSession', () => sessionStore.saveSession(address, record));
  return decrypted.plaintext;
}

export async function signalDecryptPreKey(
  message: PreKeySignalMessage,
  address: ProtocolAddress,
  localAddress: ProtocolAddress,
  sessionStore: SessionStore,
  identityStore: IdentityKeyStore,
  prekeyStore: PreKeyStore,
  signedPrekeyStore: SignedPreKeyStore,
  kyberPrekeyStore: KyberPreKeyStore,
): Promise<Bytes> {
  const operation = 'SessionCipher_DecryptPreKeySignalMessage';
  const stored = await callStore(operation, 'getSession', () => sessionStore.getSession(address));
  // Building the session rearranges the record before the inner message is known to decrypt: work
  // on a copy, so a refused PreKey message leaves the stored record untouched (as native does).
  const record = stored === null ? SessionRecord._newFresh() : stored._clone();
  const used = await processPreKeyMessage(
    message,
    address,
    localAddress,
    record,
    identityStore,
    prekeyStore,
    signedPrekeyStore,
    kyberPrekeyStore,
  );
  const wire = message._fields();
  const decrypted = await decryptWithRecord(record, wire.message, {
    remoteAddress: address,
    localAddress,
    messageType: CiphertextMessageType.PreKey,
    operation,
  });
  decrypted.commit();
  const theirBaseKey = PublicKey.deserialize(wire.baseKey);
  const theirIdentity = PublicKey.deserialize(wire.identityKey);
  await callStore(operation, 'saveIdentity', () =>
    identityStore.saveIdentity(address, theirIdentity),
  );
  if (used !== undefined) {
    const { kyberPreKeyId, signedPreKeyId, oneTimePreKeyId } = used;
    await callStore(operation, 'markKyberPreKeyUsed', () =>
      kyberPrekeyStore.markKyberPreKeyUsed(kyberPreKeyId, signedPreKeyId, theirBaseKey),
    );
    if (oneTimePreKeyId !== null) {
      await callStore(operation, 'removePreKey', () => prekeyStore.removePreKey(oneTimePreKeyId));
    }
  }
  await callStore(operation, 'saveSession', () => sessionStore.saveSession(address, record));
  return decrypted.plaintext;
}
