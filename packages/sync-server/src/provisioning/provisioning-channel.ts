import { randomBytes } from 'node:crypto';
import { ErrorCode, PROVISIONING_ADDRESS_BYTES, PROVISIONING_TTL_MS } from '@parley/protocol';
import { RelayError } from '../errors.js';

/** The relay's side of one waiting new device: where its sealed message goes. */
export interface ProvisioningSink {
  /** Hands the sealed message (base64) to the new device's socket and closes it. */
  deliver(message: string): void;
  /** Ends the socket: the address expired. */
  expire(): void;
}

interface Slot {
  sink: ProvisioningSink | undefined;
  expiresAt: number;
}

/**
 * One-time provisioning addresses (decision 0350). Each address lives PROVISIONING_TTL_MS and
 * takes one message; after use, or once the socket is gone, it stays known until its expiry so a
 * second use is told CONFLICT rather than NOT_FOUND (a replay, or two devices scanning one code).
 * The relay holds no key and sees only the sealed bytes. In memory: an address belongs to the
 * process holding its socket (a PUT reaching another relay process gets NOT_FOUND).
 */
export class ProvisioningChannel {
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = PROVISIONING_TTL_MS,
  ) {}

  /** A fresh address for `sink`, valid until the returned expiry. */
  open(sink: ProvisioningSink): { address: string; expiresAt: number } {
    this.sweep();
    const address = randomBytes(PROVISIONING_ADDRESS_BYTES).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.slots.set(address, { sink, expiresAt });
    return { address, expiresAt };
  }

  /** The new device went away: its address can no longer be used (but is remembered). */
  closed(address: string): void {
    const slot = this.slots.get(address);
    if (slot) slot.sink = undefined;
  }

  /** Delivers `message` to the device waiting at `address`, once. */
  deliver(address: string, message: string): void {
    const slot = this.slots.get(address);
    if (!slot) throw new RelayError(ErrorCode.NOT_FOUND, 'unknown provisioning address');
    if (this.now() >= slot.expiresAt) {
      this.expire(address, slot);
      throw new RelayError(ErrorCode.CONFLICT, 'provisioning address expired');
    }
    const sink = slot.sink;
    if (!sink) throw new RelayError(ErrorCode.CONFLICT, 'provisioning address already used');
    slot.sink = undefined;
    sink.deliver(message);
  }

  /** Ends expired addresses (their sockets close); forgets them. */
  sweep(): void {
    const now = this.now();
    for (const [address, slot] of this.slots) if (now >= slot.expiresAt) this.expire(address, slot);
  }

  get size(): number {
    return this.slots.size;
  }

  private expire(address: string, slot: Slot): void {
    this.slots.delete(address);
    slot.sink?.expire();
    slot.sink = undefined;
  }
}
