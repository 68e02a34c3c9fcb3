import type { DeviceRef, StoredEnvelope } from '../store/records.js';

/** A connected, authenticated device that can take envelopes as they are committed. */
export interface Recipient {
  readonly device: DeviceRef;
  offer(envelope: StoredEnvelope): void;
  close(code: number, reason: string): void;
}

/**
 * Which devices have a socket on this relay. One socket per device: a newer one replaces the
 * older (docs/relay-api.md, "One device, one socket").
 */
export class OnlineDevices {
  private readonly byRowId = new Map<number, Recipient>();

  register(recipient: Recipient, replacedCode: number): void {
    const previous = this.byRowId.get(recipient.device.rowId);
    this.byRowId.set(recipient.device.rowId, recipient);
    previous?.close(replacedCode, 'replaced by a newer connection');
  }

  unregister(recipient: Recipient): void {
    if (this.byRowId.get(recipient.device.rowId) === recipient) {
      this.byRowId.delete(recipient.device.rowId);
    }
  }

  /** Hands freshly committed envelopes to their devices' sockets, in commit order. */
  deliver(envelopes: readonly StoredEnvelope[]): void {
    for (const envelope of envelopes) this.byRowId.get(envelope.destination.rowId)?.offer(envelope);
  }

  disconnect(accountId: string, deviceId: number, code: number): void {
    for (const recipient of this.byRowId.values()) {
      if (recipient.device.accountId === accountId && recipient.device.deviceId === deviceId) {
        recipient.close(code, 'device removed');
      }
    }
  }

  get size(): number {
    return this.byRowId.size;
  }
}
