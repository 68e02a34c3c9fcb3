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

/** Why an address cannot take a message. */
export type ProvisioningRefusal = 'unknown' | 'expired' | 'used';

/** The outcome of using an address up: the process holding its socket, or a refusal. */
export type ProvisioningClaim = { holder: string } | { refused: ProvisioningRefusal };

/**
 * The addresses of every relay process behind one address (cluster/redis-provisioning.ts): the
 * single-use and expiry state of each address lives there, so that a PUT reaching any process
 * is delivered at most once, to the socket of whichever process opened the address.
 */
export interface SharedProvisioning {
  /** This process, as `claim` names holders. */
  readonly processId: string;
  /** Records an address whose socket this process holds, valid until `expiresAt`. */
  register(address: string, expiresAt: number, now: number): Promise<void>;
  /** Uses the address up, atomically across processes. */
  claim(address: string, now: number): Promise<ProvisioningClaim>;
  /** Hands the message to the process holding the socket; false when that process is gone. */
  forward(holder: string, address: string, message: string): Promise<boolean>;
}

interface Slot {
  sink: ProvisioningSink | undefined;
  expiresAt: number;
}

const refusals: Record<ProvisioningRefusal, () => RelayError> = {
  unknown: () => new RelayError(ErrorCode.NOT_FOUND, 'unknown provisioning address'),
  expired: () => new RelayError(ErrorCode.CONFLICT, 'provisioning address expired'),
  used: () => new RelayError(ErrorCode.CONFLICT, 'provisioning address already used'),
};

/**
 * One-time provisioning addresses (decision 0350). Each address lives PROVISIONING_TTL_MS and
 * takes one message; after use, or once the socket is gone, it stays known until its expiry so a
 * second use is told CONFLICT rather than NOT_FOUND (a replay, or two devices scanning one code).
 * The relay holds no key and sees only the sealed bytes. The sockets live in the process that
 * holds them; with several relay processes (attach), which address is used up is decided by the
 * shared state, and a message for a socket held elsewhere is forwarded to its process.
 */
export class ProvisioningChannel {
  private readonly slots = new Map<string, Slot>();
  private shared: SharedProvisioning | undefined;

  constructor(
    // Read when called (not bound at construction), so a test's fake Date is the clock.
    private readonly now: () => number = () => Date.now(),
    private readonly ttlMs = PROVISIONING_TTL_MS,
  ) {}

  /** From now on addresses are shared with the other relay processes. */
  attach(shared: SharedProvisioning): void {
    this.shared = shared;
  }

  /** A fresh address for `sink`, valid until the returned expiry (known to every process). */
  async open(sink: ProvisioningSink): Promise<{ address: string; expiresAt: number }> {
    this.sweep();
    const address = randomBytes(PROVISIONING_ADDRESS_BYTES).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.slots.set(address, { sink, expiresAt });
    try {
      await this.shared?.register(address, expiresAt, this.now());
    } catch (error) {
      this.slots.delete(address);
      throw error;
    }
    return { address, expiresAt };
  }

  /** The new device went away: its address can no longer be used (but is remembered). */
  closed(address: string): void {
    const slot = this.slots.get(address);
    if (slot) slot.sink = undefined;
    // Used up for every process, so none forwards a message that nobody would take.
    this.shared?.claim(address, this.now()).catch(() => undefined);
  }

  /** Delivers `message` to the device waiting at `address`, once, whichever process holds it. */
  async deliver(address: string, message: string): Promise<void> {
    const shared = this.shared;
    if (!shared) return this.deliverHere(address, message);
    const claim = await shared.claim(address, this.now());
    if ('refused' in claim) throw refusals[claim.refused]();
    if (claim.holder === shared.processId) {
      if (!this.handOver(address, message)) throw refusals.used();
    } else if (!(await shared.forward(claim.holder, address, message))) {
      throw new RelayError(ErrorCode.CONFLICT, 'the new device is no longer connected');
    }
  }

  /** A message another process claimed the address for: to the socket, if it is still here. */
  receiveForwarded(address: string, message: string): void {
    this.handOver(address, message);
  }

  /** Ends expired addresses (their sockets close); forgets them. */
  sweep(): void {
    const now = this.now();
    for (const [address, slot] of this.slots) if (now >= slot.expiresAt) this.expire(address, slot);
  }

  get size(): number {
    return this.slots.size;
  }

  /** One process alone: the slots are the whole state. */
  private deliverHere(address: string, message: string): void {
    const slot = this.slots.get(address);
    if (!slot) throw refusals.unknown();
    if (this.now() >= slot.expiresAt) {
      this.expire(address, slot);
      throw refusals.expired();
    }
    if (!this.handOver(address, message)) throw refusals.used();
  }

  private handOver(address: string, message: string): boolean {
    const slot = this.slots.get(address);
    const sink = slot?.sink;
    if (!slot || !sink) return false;
    slot.sink = undefined;
    sink.deliver(message);
    return true;
  }

  private expire(address: string, slot: Slot): void {
    this.slots.delete(address);
    slot.sink?.expire();
    slot.sink = undefined;
  }
}
