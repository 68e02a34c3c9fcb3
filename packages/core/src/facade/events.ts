import type { Sender } from '../delivery/inbox.js';
import type { MessengerEvent } from './api.js';

/** The facade's event stream (Messenger.on). */
export class Events {
  private readonly listeners = new Set<(event: MessengerEvent) => void>();

  on(listener: (event: MessengerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: MessengerEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** A background failure; the messenger keeps running. */
  error(error: unknown): void {
    this.emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }

  decryptFailed(sender: Sender, reason: string): void {
    this.emit({
      type: 'decrypt-failed',
      fromAccountId: sender.accountId,
      fromDeviceId: sender.deviceId,
      reason,
    });
  }
}
