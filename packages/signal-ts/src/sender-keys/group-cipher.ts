/**
 * Group messaging with sender keys (libsignal group_cipher.rs): encrypting with one's own chain,
 * decrypting with a sender's chain (out of order within MAX_FORWARD_JUMPS, each message key usable
 * once), and installing a sender's chain from its distribution message.
 */
import { cbc } from '@noble/ciphers/aes.js';
import type { ProtocolAddress } from '../address.js';
import type { Bytes } from '../bytes.js';
import { CiphertextMessage, CiphertextMessageType } from '../ciphertext-message.js';
import { MAX_FORWARD_JUMPS, MAX_MESSAGE_KEYS } from '../consts.js';
import { protocolError } from '../error.js';
import type { SenderKeyStore } from '../storage/traits.js';
import { parseUuidOrThrow, stringifyUuid } from '../uuid.js';
import { invalidSenderKeySession, noSenderKeyState } from './errors.js';
import {
  expandMessageKey,
  messageKeySeed,
  nextChainKey,
  type SenderMessageKey,
} from './sender-chain.js';
import type { SenderKeyDistributionMessage } from './sender-key-distribution-message.js';
import { SenderKeyMessage } from './sender-key-message.js';
import { SenderKeyRecord } from './sender-key-record.js';
import { SenderKeyState } from './sender-key-state.js';

/** Iterations are uint32 on the wire; the chain cannot step past the last one. */
const MAX_ITERATION = 0xffff_ffff;

function chainTooLong(operation: string): Error {
  return protocolError('InvalidState', operation, 'invalid state: sender chain is too long');
}

export async function groupEncrypt(
  sender: ProtocolAddress,
  distributionId: string,
  store: SenderKeyStore,
  message: Uint8Array,
): Promise<CiphertextMessage> {
  const operation = 'GroupCipher_EncryptMessage';
  const id = stringifyUuid(parseUuidOrThrow(distributionId));
  const record = await store.getSenderKey(sender, id);
  if (record === null) throw noSenderKeyState(operation, id);
  const state = record._currentState();
  const chainKey = state?.chainKey;
  const signingKey = state?.signingKeyPrivate();
  if (state === undefined || chainKey === undefined || signingKey == null) {
    throw invalidSenderKeySession(operation, id);
  }
  if (chainKey.iteration >= MAX_ITERATION) throw chainTooLong(operation);
  const key = expandMessageKey(messageKeySeed(chainKey));
  const ciphertext = cbc(key.cipherKey, key.iv).encrypt(message);
  const skm = SenderKeyMessage._new(
    state.messageVersion,
    id,
    state.chainId,
    key.iteration,
    ciphertext,
    signingKey,
  );
  state.chainKey = nextChainKey(chainKey);
  await store.saveSenderKey(sender, id, record);
  return CiphertextMessage._fromSerialized(CiphertextMessageType.SenderKey, skm.serialize());
}

export async function groupDecrypt(
  sender: ProtocolAddress,
  store: SenderKeyStore,
  message: Uint8Array,
): Promise<Bytes> {
  const operation = 'GroupCipher_DecryptMessage';
  const skm = SenderKeyMessage.deserialize(message);
  const id = skm.distributionId();
  const stored = await store.getSenderKey(sender, id);
  if (stored === null) throw noSenderKeyState(operation, id);
  // Work on a copy: a message that fails any check must leave the stored chain as it was.
  const record = stored._clone();
  const state = record._stateForChainId(skm.chainId());
  if (state === undefined) throw noSenderKeyState(operation, id);
  if (skm._messageVersion() !== state.messageVersion) {
    throw protocolError(
      'UnrecognizedMessageVersion',
      operation,
      `unrecognized message version <${skm._messageVersion()}>`,
    );
  }
  const signingKey = state.signingKeyPublic();
  if (signingKey === null) throw invalidSenderKeySession(operation, id);
  if (!(await skm._verifySignatureAsync(signingKey))) {
    throw protocolError('SignatureValidationFailed', operation, 'invalid signature detected');
  }
  const key = takeMessageKey(state, skm.iteration(), operation, id);
  let plaintext: Uint8Array;
  try {
    plaintext = cbc(key.cipherKey, key.iv).decrypt(skm.ciphertext());
  } catch {
    throw protocolError(
      'InvalidMessage',
      operation,
      'invalid SenderKey message: decryption failed',
    );
  }
  await store.saveSenderKey(sender, id, record);
  return new Uint8Array(plaintext);
}

/**
 * The message key for `iteration`: a kept one for an earlier message, or the chain advanced to it
 * (keeping the keys it skips). A used or too-old key is DuplicatedMessage; a jump past
 * MAX_FORWARD_JUMPS is refused before any work.
 */
function takeMessageKey(
  state: SenderKeyState,
  iteration: number,
  operation: string,
  distributionId: string,
): SenderMessageKey {
  const chainKey = state.chainKey;
  if (chainKey === undefined) throw invalidSenderKeySession(operation, distributionId);
  if (chainKey.iteration > iteration) {
    const kept = state.removeMessageKey(iteration);
    if (kept === undefined) {
      throw protocolError(
        'DuplicatedMessage',
        operation,
        `message with old counter ${chainKey.iteration} / ${iteration}`,
      );
    }
    return expandMessageKey(kept);
  }
  if (iteration - chainKey.iteration > MAX_FORWARD_JUMPS) {
    throw protocolError(
      'InvalidMessage',
      operation,
      'invalid SenderKey message: message from too far into the future',
    );
  }
  if (iteration >= MAX_ITERATION) throw chainTooLong(operation);
  // Keys older than the last MAX_MESSAGE_KEYS skipped ones would be evicted at once: skip deriving them.
  const firstKept = iteration - MAX_MESSAGE_KEYS;
  let current = chainKey;
  while (current.iteration < iteration) {
    if (current.iteration >= firstKept) state.addMessageKey(messageKeySeed(current));
    current = nextChainKey(current);
  }
  state.chainKey = nextChainKey(current);
  return expandMessageKey(messageKeySeed(current));
}

export async function processSenderKeyDistributionMessage(
  sender: ProtocolAddress,
  message: SenderKeyDistributionMessage,
  store: SenderKeyStore,
): Promise<void> {
  const id = message.distributionId();
  const record = (await store.getSenderKey(sender, id)) ?? SenderKeyRecord._newEmpty();
  const signingKey = message._signingKey();
  record._addState(
    new SenderKeyState({
      messageVersion: message._messageVersion(),
      chainId: message.chainId(),
      chainKey: { iteration: message.iteration(), seed: message.chainKey() },
      signingPublic: signingKey.serialize(),
      signingPrivate: new Uint8Array(0),
      messageKeys: [],
    }),
    signingKey,
  );
  await store.saveSenderKey(sender, id, record);
}
