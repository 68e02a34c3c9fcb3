import type { DeviceRef, StoredEnvelope } from '../store/records.js';

/** A connected, authenticated device that can take envelopes as they are committed. */
export interface Recipient {
  readonly device: DeviceRef;
  offer(envelope: StoredEnvelope): void;
  /**
   * Reads the mailbox again from what was pushed: entries may have been committed while their
   * pushes could not reach this process (presence not visible yet, Redis down).
   */
  recheck(): void;
  /** The account's device set changed: tell the device (a DevicesChanged push). */
  devicesChanged(): void;
  close(code: number, reason: string): void;
}

/**
 * How this process reaches the others (decision 0161; cluster/redis-link.ts). Without one, the
 * relay is a single process and every device it knows is held here.
 */
export interface ClusterLink {
  /** Records that this process holds the device's socket as `token`; resolves once visible. */
  claim(device: DeviceRef, token: string): Promise<void>;
  /** The socket `token` is gone (a newer claim stays). */
  release(device: DeviceRef, token: string): void;
  /** Sends envelopes for devices not held here to the processes holding them. */
  route(envelopes: readonly StoredEnvelope[]): void;
  /** Tells every process that a device was removed. */
  deviceRemoved(accountId: string, deviceId: number): void;
  /** Which of these devices hold a socket on any process (for waking the others by push). */
  present(rowIds: readonly number[]): Promise<boolean[]>;
}

interface Held {
  recipient: Recipient;
  token: string;
}

/**
 * Which devices have a socket on this relay process. One socket per device: a newer one
 * replaces the older (docs/relay-api.md, "One device, one socket"), on this process or, through
 * the cluster link, on another one.
 */
export class OnlineDevices {
  private readonly byRowId = new Map<number, Held>();
  private link: ClusterLink | undefined;
  private sequence = 0;

  /** `processId` names this process in its claims (no '.' in it). */
  constructor(private readonly processId = 'local') {}

  attach(link: ClusterLink): void {
    this.link = link;
  }

  register(recipient: Recipient, replacedCode: number): void {
    const rowId = recipient.device.rowId;
    const previous = this.byRowId.get(rowId);
    const token = `${this.processId}.${++this.sequence}`;
    this.byRowId.set(rowId, { recipient, token });
    previous?.recipient.close(replacedCode, 'replaced by a newer connection');
    // Entries committed elsewhere before the claim was visible were routed to nobody: read again.
    this.link?.claim(recipient.device, token).then(
      () => this.byRowId.get(rowId)?.recipient === recipient && recipient.recheck(),
      () => undefined, // Redis is down: claimAll() runs when it is back
    );
  }

  unregister(recipient: Recipient): void {
    const held = this.byRowId.get(recipient.device.rowId);
    if (held?.recipient !== recipient) return;
    this.byRowId.delete(recipient.device.rowId);
    this.link?.release(recipient.device, held.token);
  }

  /** Hands freshly committed envelopes to their devices' sockets, in commit order. */
  deliver(envelopes: readonly StoredEnvelope[]): void {
    let elsewhere: StoredEnvelope[] | undefined;
    for (const envelope of envelopes) {
      const held = this.byRowId.get(envelope.destination.rowId);
      if (held) held.recipient.offer(envelope);
      else if (this.link) (elsewhere ??= []).push(envelope);
    }
    if (elsewhere) this.link!.route(elsewhere);
  }

  /** Which of these devices hold a socket here or, through the cluster link, elsewhere. */
  async present(rowIds: readonly number[]): Promise<boolean[]> {
    const here = rowIds.map((rowId) => this.byRowId.has(rowId));
    const elsewhere = rowIds.filter((_, i) => !here[i]);
    if (!this.link || elsewhere.length === 0) return here;
    const found = await this.link.present(elsewhere);
    let next = 0;
    return here.map((held) => held || found[next++] === true);
  }

  /** Envelopes another process committed and routed here: only sockets held here take them. */
  deliverRouted(envelopes: readonly StoredEnvelope[]): void {
    for (const envelope of envelopes)
      this.byRowId.get(envelope.destination.rowId)?.recipient.offer(envelope);
  }

  /** Another process claimed this device: closes the socket `token` if it is still held here. */
  replacedElsewhere(rowId: number, token: string, code: number): void {
    const held = this.byRowId.get(rowId);
    if (held?.token === token) held.recipient.close(code, 'replaced by a newer connection');
  }

  /** Every device held here with its token (claimed again after Redis came back). */
  claims(): { device: DeviceRef; token: string }[] {
    return [...this.byRowId.values()].map(({ recipient, token }) => ({
      device: recipient.device,
      token,
    }));
  }

  /** Every socket reads its mailbox again (pushes may have been lost while Redis was away). */
  recheckAll(): void {
    for (const { recipient } of this.byRowId.values()) recipient.recheck();
  }

  /**
   * Tells every device of `accountId` holding a socket here that the account's devices changed.
   * Other processes hear of it through the cluster link (their device-set cache is dropped then).
   */
  devicesChangedHere(accountId: string): void {
    for (const { recipient } of this.byRowId.values())
      if (recipient.device.accountId === accountId) recipient.devicesChanged();
  }

  /** Closes the device's socket here and, through the cluster link, on every other process. */
  disconnect(accountId: string, deviceId: number, code: number): void {
    this.disconnectHere(accountId, deviceId, code);
    this.link?.deviceRemoved(accountId, deviceId);
  }

  disconnectHere(accountId: string, deviceId: number, code: number): void {
    for (const { recipient } of this.byRowId.values()) {
      if (recipient.device.accountId === accountId && recipient.device.deviceId === deviceId) {
        recipient.close(code, 'device removed');
      }
    }
  }

  get size(): number {
    return this.byRowId.size;
  }
}
