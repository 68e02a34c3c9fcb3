import { PUSH_WINDOW } from '@parley/protocol';
import type { DeviceRef, StoredEnvelope } from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';

/** Entries read from the database per query while draining a backlog. */
const PAGE = 256;

/**
 * Pushes one device's mailbox over its socket in server-id order: first the backlog from the
 * database, then fresh entries straight from the commit (no re-read), never more than
 * PUSH_WINDOW unacked. Whenever it falls behind (window full, or entries arrive mid-drain) it
 * goes back to reading the database from its cursor, so nothing is skipped or pushed twice.
 */
export class MailboxStream {
  /** Highest server id pushed on this socket. */
  private cursor = 0;
  private readonly unacked = new Set<number>();
  private caughtUp = false;
  private draining = false;
  /** An entry was offered while a drain was reading: read again before calling it caught up. */
  private missed = false;
  private drainedSent = false;
  private stopped = false;

  constructor(
    private readonly device: DeviceRef,
    private readonly store: RelayStore,
    private readonly push: (envelope: StoredEnvelope) => void,
    private readonly pushDrained: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    void this.drain();
  }

  stop(): void {
    this.stopped = true;
  }

  offer(envelope: StoredEnvelope): void {
    if (this.stopped || envelope.serverId <= this.cursor) return;
    if (this.caughtUp && !this.draining && this.unacked.size < PUSH_WINDOW) {
      this.send(envelope);
      return;
    }
    this.caughtUp = false;
    this.missed = true;
    if (!this.draining && this.unacked.size < PUSH_WINDOW) void this.drain();
  }

  /** Frees window slots for acked ids and resumes a drain that waited for them. */
  acked(serverIds: readonly number[]): void {
    for (const id of serverIds) this.unacked.delete(id);
    if (!this.caughtUp && !this.draining && this.unacked.size <= PUSH_WINDOW / 2) {
      void this.drain();
    }
  }

  private send(envelope: StoredEnvelope): void {
    this.cursor = envelope.serverId;
    this.unacked.add(envelope.serverId);
    this.push(envelope);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (!this.stopped) {
        if (this.unacked.size >= PUSH_WINDOW) return; // resumed by acked()
        this.missed = false;
        const limit = Math.min(PAGE, PUSH_WINDOW - this.unacked.size);
        const page = await this.store.readMailbox(this.device, this.cursor, limit);
        for (const envelope of page) {
          if (this.stopped) return;
          if (envelope.serverId > this.cursor) this.send(envelope);
        }
        if (page.length < limit && !this.missed) {
          this.caughtUp = true;
          if (!this.drainedSent) {
            this.drainedSent = true;
            this.pushDrained();
          }
          return;
        }
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.draining = false;
    }
  }
}
