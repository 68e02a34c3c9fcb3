/**
 * The Double Ratchet's classical half (Signal Double Ratchet spec §3; libsignal `double_ratchet.rs`):
 * receiving chains per peer ratchet key, DH ratchet steps, and skipped message keys within the
 * limits libsignal enforces. The SPQR half and the MAC/cipher live in the session cipher; this module
 * only yields the per-message chain seed.
 */
import { constantTimeEqual, type Bytes } from '../bytes.js';
import { MAX_FORWARD_JUMPS, MAX_MESSAGE_KEYS, MAX_RECEIVER_CHAINS } from '../consts.js';
import { PrivateKey, PublicKey } from '../curve/keys.js';
import { protocolError } from '../error.js';
import type { ChainKey } from './chain-key.js';
import type { RootKey } from './root-key.js';

export interface SenderChain {
  /** Our current ratchet public key, serialized (33 bytes). */
  readonly ratchetPublic: Bytes;
  /**
   * Kept as the key object, not its bytes: the object caches its imported WebCrypto key, so the
   * next DH step's agreement does not re-import it (the object is immutable, so copies share it).
   */
  readonly ratchetPrivate: PrivateKey;
  chainKey: ChainKey;
}

export interface ReceiverChain {
  /** The peer's ratchet public key (33 bytes) that opened this chain. */
  readonly ratchetKey: Bytes;
  chainKey: ChainKey;
  /** Seeds of skipped messages by counter, oldest first (insertion order evicts the oldest). */
  readonly skipped: Map<number, Bytes>;
}

export interface RatchetState {
  rootKey: RootKey;
  senderChain: SenderChain;
  /** Oldest first; at most MAX_RECEIVER_CHAINS. */
  receiverChains: ReceiverChain[];
  previousCounter: number;
}

/** Deep copy for trial decryption (keys are immutable byte arrays and are shared). */
export function cloneRatchetState(state: RatchetState): RatchetState {
  return {
    rootKey: state.rootKey,
    senderChain: { ...state.senderChain },
    receiverChains: state.receiverChains.map((chain) => ({
      ratchetKey: chain.ratchetKey,
      chainKey: chain.chainKey,
      skipped: new Map(chain.skipped),
    })),
    previousCounter: state.previousCounter,
  };
}

function findReceiverChain(state: RatchetState, ratchetKey: Uint8Array): ReceiverChain | undefined {
  return state.receiverChains.find((chain) => constantTimeEqual(chain.ratchetKey, ratchetKey));
}

/** A sending chain on the ratchet key pair (public key passed in: deriving it is costly). */
export function newSenderChain(
  chainKey: ChainKey,
  privateKey: PrivateKey,
  publicKey: PublicKey,
): SenderChain {
  return { ratchetPublic: publicKey.serialize(), ratchetPrivate: privateKey, chainKey };
}

/** A receiving chain, and the rest of the DH ratchet step that may have opened it. */
export interface ReceivingStep {
  readonly chain: ReceiverChain;
  /**
   * The sending half of the DH ratchet step (a new key pair and the root step on it); nothing
   * when the chain already existed. Deferred until the message has authenticated: the receiving
   * chain alone yields its MAC key, so a trial decryption that fails never pays for a key pair.
   */
  completeStep(): Promise<void>;
}

const NO_STEP = (): Promise<void> => Promise.resolve();

/**
 * The receiving chain for the peer's `theirRatchetKey`, performing the receiving half of a DH
 * ratchet step when the key is new. Agreements and the new key pair go through WebCrypto where
 * available (`_agreeAsync`, `_generateAsync`), several times faster than bigint arithmetic.
 */
export async function ensureReceiverChain(
  state: RatchetState,
  theirRatchetKey: Uint8Array,
): Promise<ReceivingStep> {
  const existing = findReceiverChain(state, theirRatchetKey);
  if (existing !== undefined) return { chain: existing, completeStep: NO_STEP };

  const theirs = PublicKey.deserialize(theirRatchetKey);
  const [rootAfterReceive, receiverChainKey] = state.rootKey.createChain(
    await state.senderChain.ratchetPrivate._agreeAsync(theirs),
  );
  state.rootKey = rootAfterReceive;
  const chain: ReceiverChain = {
    ratchetKey: theirs.serialize(),
    chainKey: receiverChainKey,
    skipped: new Map(),
  };
  state.receiverChains.push(chain);
  while (state.receiverChains.length > MAX_RECEIVER_CHAINS) state.receiverChains.shift();
  return { chain, completeStep: () => sendingStep(state, theirs) };
}

async function sendingStep(state: RatchetState, theirs: PublicKey): Promise<void> {
  const nextPrivate = await PrivateKey._generateAsync();
  const [rootAfterSend, senderChainKey] = state.rootKey.createChain(
    await nextPrivate._agreeAsync(theirs),
  );
  state.previousCounter = Math.max(state.senderChain.chainKey.index - 1, 0);
  state.rootKey = rootAfterSend;
  // _generateAsync has already derived (and cached) the public key.
  state.senderChain = newSenderChain(senderChainKey, nextPrivate, nextPrivate.getPublicKey());
}

/**
 * The chain seed of message `counter` on `chain`, consumed so it can never be used twice: a stored
 * skipped seed for an old counter, or a walk forward that stores the seeds it passes.
 *
 * @throws DuplicatedMessage for an old counter without a stored seed; InvalidMessage for a jump
 *   past `maxForwardJumps`.
 */
export function consumeMessageSeed(
  chain: ReceiverChain,
  counter: number,
  maxForwardJumps: number,
  operation: string,
): Bytes {
  const chainIndex = chain.chainKey.index;
  if (counter < chainIndex) {
    const seed = chain.skipped.get(counter);
    if (seed === undefined) {
      throw protocolError(
        'DuplicatedMessage',
        operation,
        `duplicate message for counter ${counter}`,
      );
    }
    chain.skipped.delete(counter);
    return seed;
  }
  if (counter - chainIndex > maxForwardJumps) {
    throw protocolError('InvalidMessage', operation, 'message from too far into the future');
  }
  // Only the newest MAX_MESSAGE_KEYS seeds can survive the walk, so older ones are never stored.
  const firstKept = counter - MAX_MESSAGE_KEYS;
  let chainKey = chain.chainKey;
  while (chainKey.index < counter) {
    if (chainKey.index >= firstKept) chain.skipped.set(chainKey.index, chainKey.messageKeySeed());
    chainKey = chainKey.next();
  }
  evictOldest(chain.skipped, chain.skipped.size - MAX_MESSAGE_KEYS);
  chain.chainKey = chainKey.next();
  return chainKey.messageKeySeed();
}

/**
 * Drops the `count` oldest (first-inserted) seeds in one pass: deleting them one lookup at a time
 * would rescan the map's deleted slots on every step.
 */
function evictOldest(skipped: Map<number, Bytes>, count: number): void {
  let left = count;
  for (const index of skipped.keys()) {
    if (left <= 0) return;
    skipped.delete(index);
    left -= 1;
  }
}

/** The forward-jump limit: unlimited in a session with oneself (note-to-self), as in libsignal. */
export function maxForwardJumps(selfSession: boolean): number {
  return selfSession ? 0xffff_ffff : MAX_FORWARD_JUMPS;
}
