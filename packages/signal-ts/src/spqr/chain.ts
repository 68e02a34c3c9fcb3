/**
 * The SPQR key chain for one epoch and one direction (SparsePostQuantumRatchet `src/chain.rs`,
 * ChainEpochDirection): an HKDF chain whose n-th step (n from 1) yields the n-th message key, with
 * skipped keys kept for out-of-order delivery. Written as its own unit so the full SPQR reuses it for
 * every epoch it adds.
 */
import type { Bytes } from '../bytes.js';
import { hkdfSha256, label } from '../ratchet/kdf.js';
import type { PqChainParams } from './pq-ratchet.js';
import { PqRatchetError } from './pq-ratchet.js';

const NEXT_INFO = label('Signal PQ Ratchet V1 Chain Next');
const START_INFO = label('Signal PQ Ratchet V1 Chain  Start');
const ZERO_SALT = new Uint8Array(32);

/** Derives the epoch-0 chains from the PQXDH SPQR auth key: next root || A->B || B->A. */
export function startChains(authKey: Uint8Array): { a2b: Bytes; b2a: Bytes } {
  const okm = hkdfSha256(authKey, ZERO_SALT, START_INFO, 96);
  return { a2b: okm.slice(32, 64), b2a: okm.slice(64, 96) };
}

export class ChainDirection {
  /**
   * @param counter index of the last key handed out (0: none yet)
   * @param next the chain value the next step starts from
   * @param skipped keys passed over by a jump, by index, kept until used or too old
   */
  constructor(
    public counter: number,
    public next: Bytes,
    readonly skipped: Map<number, Bytes> = new Map(),
  ) {}

  clone(): ChainDirection {
    return new ChainDirection(this.counter, this.next, new Map(this.skipped));
  }

  /** The key for the next index (sending side). */
  nextKey(): { index: number; key: Bytes } {
    const key = this.step();
    return { index: this.counter, key };
  }

  /** The key for `index` (receiving side): a stored skipped key, or a jump ahead that stores the gap. */
  keyAt(index: number, params: PqChainParams): Bytes {
    if (index === this.counter) throw new PqRatchetError(`key ${index} already requested`);
    if (index < this.counter) return this.takeSkipped(index, params);
    if (index - this.counter > params.maxJump) {
      throw new PqRatchetError(`key jump from ${this.counter} to ${index} too large`);
    }
    while (this.counter + 1 < index) {
      const key = this.step();
      // Keys that the trim below would drop at once are never stored.
      if (this.counter + params.maxOutOfOrderKeys >= index) this.skipped.set(this.counter, key);
    }
    this.trim(index, params);
    return this.step();
  }

  private takeSkipped(index: number, params: PqChainParams): Bytes {
    if (index + params.maxOutOfOrderKeys < this.counter) {
      throw new PqRatchetError(`key ${index} trimmed`);
    }
    const key = this.skipped.get(index);
    if (key === undefined) throw new PqRatchetError(`key ${index} already requested`);
    this.skipped.delete(index);
    return key;
  }

  /**
   * Drops keys older than the out-of-order window behind the newest index. Such keys are refused by
   * takeSkipped anyway; like the reference, we only sweep once the store outgrows the window by 10%
   * so a long run of in-order messages does not pay a scan each.
   */
  private trim(newest: number, params: PqChainParams): void {
    const horizon = newest - params.maxOutOfOrderKeys;
    if (horizon <= 0 || this.skipped.size <= Math.floor((params.maxOutOfOrderKeys * 11) / 10))
      return;
    for (const index of this.skipped.keys()) if (index < horizon) this.skipped.delete(index);
  }

  private step(): Bytes {
    this.counter += 1;
    const counterBytes = new Uint8Array(4);
    new DataView(counterBytes.buffer).setUint32(0, this.counter, false);
    const info = new Uint8Array(4 + NEXT_INFO.length);
    info.set(counterBytes, 0);
    info.set(NEXT_INFO, 4);
    const okm = hkdfSha256(this.next, ZERO_SALT, info, 64);
    this.next = okm.slice(0, 32);
    return okm.slice(32, 64);
  }
}
