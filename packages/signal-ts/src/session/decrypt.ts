/**
 * Decrypting one SignalMessage against a session record (libsignal `session_management.rs`
 * try_decrypt_from_record, `triple_ratchet.rs` decrypt): trial decryption over the current state
 * and then the archived ones, newest first, each on a copy so a failure leaves no trace; the state
 * that succeeds becomes current ("Sesame" promotion).
 */
import type { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import { CiphertextMessageType } from '../ciphertext-message.js';
import { ErrorCode, LibSignalErrorBase, protocolError } from '../error.js';
import { encodeAddressBinding } from '../protocol-messages/address-binding.js';
import type { SignalMessage } from '../protocol-messages/signal-message.js';
import {
  consumeMessageSeed,
  ensureReceiverChain,
  maxForwardJumps,
} from '../ratchet/double-ratchet.js';
import { decryptBody } from '../ratchet/message-cipher.js';
import { deriveMessageKeys } from '../ratchet/message-keys.js';
import { PqRatchetError } from '../spqr/index.js';
import { isSameAccount } from './identity.js';
import type { SessionRecord } from './session-record.js';
import type { SessionState } from './session-state.js';

type RatchetMessageType = CiphertextMessageType.Whisper | CiphertextMessageType.PreKey;

export interface DecryptContext {
  readonly remoteAddress: ProtocolAddress;
  readonly localAddress: ProtocolAddress;
  readonly messageType: RatchetMessageType;
  readonly operation: string;
}

export interface Decrypted {
  readonly plaintext: Bytes;
  /** The state that decrypted, already advanced past this message. */
  readonly state: SessionState;
  /** Makes that state current in the record; call only once every later check has passed. */
  commit(): void;
}

/**
 * Decrypts `message` with the first state of `record` that accepts it. Nothing in `record` changes
 * until `commit()`: the record may be the very object a store keeps, and a failure after decryption
 * (an untrusted identity, a store error) must leave it as it was, as with native.
 * A PreKey message's inner message is tried against the current state alone (it just created that
 * state). DuplicatedMessage from any state ends the search at once.
 */
export async function decryptWithRecord(
  record: SessionRecord,
  message: SignalMessage,
  context: DecryptContext,
): Promise<Decrypted> {
  const current = record._current();
  if (current !== undefined) {
    const candidate = current.clone();
    const plaintext = await tryDecrypt(candidate, message, context);
    if (plaintext !== undefined) {
      return { plaintext, state: candidate, commit: () => record._setCurrent(candidate) };
    }
    if (context.messageType === CiphertextMessageType.PreKey) throw decryptionFailed(context);
  }
  for (let index = 0; index < record._previousCount(); index++) {
    let candidate: SessionState;
    try {
      candidate = record._previousState(index);
    } catch {
      continue; // A corrupt archived state is skipped, as native does.
    }
    const plaintext = await tryDecrypt(candidate, message, context);
    if (plaintext !== undefined) {
      const archivedIndex = index;
      return {
        plaintext,
        state: candidate,
        commit: () => record._promoteArchived(archivedIndex, candidate),
      };
    }
  }
  throw decryptionFailed(context);
}

/** The plaintext, or undefined when this state cannot decrypt the message (MAC, chain, version). */
async function tryDecrypt(
  state: SessionState,
  message: SignalMessage,
  context: DecryptContext,
): Promise<Bytes | undefined> {
  try {
    return await decryptWithState(state, message, context);
  } catch (error) {
    if (LibSignalErrorBase.is(error, ErrorCode.DuplicatedMessage)) throw error;
    if (error instanceof LibSignalErrorBase || error instanceof PqRatchetError) return undefined;
    throw error;
  }
}

/** Decrypts with one state, mutating it (callers pass a copy). Throws on any failure. */
async function decryptWithState(
  state: SessionState,
  message: SignalMessage,
  context: DecryptContext,
): Promise<Bytes> {
  const { operation } = context;
  const fields = state.fields;
  const wire = message._fields();
  if (wire.messageVersion !== fields.version) {
    throw protocolError(
      'UnrecognizedMessageVersion',
      operation,
      `message version ${wire.messageVersion}`,
    );
  }
  const selfSession = isSameAccount(
    fields.localIdentityKey,
    context.localAddress,
    fields.remoteIdentityKey,
    context.remoteAddress,
  );
  const step = await ensureReceiverChain(fields.ratchet, wire.senderRatchetKey);
  const seed = consumeMessageSeed(
    step.chain,
    wire.counter,
    maxForwardJumps(selfSession),
    operation,
  );
  const pqKey = fields.pq.recv(wire.pqRatchet);
  const keys = deriveMessageKeys(seed, pqKey, wire.counter);
  const expectedAddresses = encodeAddressBinding(context.remoteAddress, context.localAddress);
  if (
    !message._verifyMac(
      fields.remoteIdentityKey,
      fields.localIdentityKey,
      keys.macKey,
      expectedAddresses,
    )
  ) {
    throw protocolError('InvalidMessage', operation, 'MAC verification failed');
  }
  let plaintext: Bytes;
  try {
    plaintext = decryptBody(wire.ciphertext, keys.cipherKey, keys.iv);
  } catch {
    throw protocolError('InvalidMessage', operation, 'failed to decrypt');
  }
  await step.completeStep();
  state.acknowledge();
  return plaintext;
}

function decryptionFailed(context: DecryptContext): LibSignalErrorBase {
  return protocolError('InvalidMessage', context.operation, 'decryption failed');
}
