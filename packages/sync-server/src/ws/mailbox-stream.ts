import { PUSH_WINDOW } from '@parley/protocol';
import type { DeviceRef, StoredEnvelope } from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';
import {
  INITIAL_MAILBOX_STREAM_STATE,
  nextMailboxStreamState,
  type MailboxStreamEvent,
  type MailboxStreamState,
} from './mailbox-stream-state.js';

/** Entries read from the database per query while draining a backlog. */
const PAGE = 256;

/**
 * Pushes one device's mailbox over its socket in server-id order: first the backlog from the
 * database, then fresh entries straight from the commit (no re-read), never more than
 * PUSH_WINDOW unacked. Whenever it falls behind (window full, or entries arrive mid-drain) it
 * goes back to reading the database from its cursor, so nothing is skipped or pushed twice.
 * Its states (behind, draining, live, stopped) and their transitions: mailbox-stream-state.ts.
 */
export class MailboxStream {
  /** Highest server id pushed on this socket. */
  private cursor = 0;
  private readonly unacked = new Set<number>();
  private state: MailboxStreamState = INITIAL_MAILBOX_STREAM_STATE;

  constructor(
    private readonly device: DeviceRef,
    private readonly store: RelayStore,
    private readonly push: (envelope: StoredEnvelope) => void,
    private readonly pushDrained: () => void,
    private readonly onError: (error: unknown) => void,
    /**
     * False while the socket's queue (or the relay's push budget) is full: pushes then wait in
     * the database, and resume() picks them up when the socket drains.
     */
    private readonly canPush: () => boolean = () => true,
  ) {}

  start(): void {
    void this.drain();
  }

  stop(): void {
    this.transition('stop');
  }

  offer(envelope: StoredEnvelope): void {
    const state = this.state;
    if (state.kind === 'stopped' || envelope.serverId <= this.cursor) return;
    // Its time to live ran out on the way (a slow route through Redis): never pushed. Reading
    // the database from the cursor skips it and picks up whatever follows it.
    if (envelope.expiresAt !== undefined && envelope.expiresAt <= Date.now()) {
      this.recheck();
      return;
    }
    // An entry written after one not pushed yet (another relay process committed it, and its
    // push is still on its way: decision 0161) must wait for a read of the database.
    const follows = (envelope.previousServerId ?? 0) <= this.cursor;
    if (state.kind === 'live' && follows && this.unacked.size < PUSH_WINDOW && this.canPush()) {
      this.send(envelope);
      return;
    }
    this.recheck();
  }

  /** Reads the database again from the cursor (entries committed elsewhere: decision 0161). */
  recheck(): void {
    if (this.state.kind === 'stopped') return;
    this.transition('offer');
    this.resume();
  }

  /** Drains again if it was behind and may push now (acks freed the window, the socket drained). */
  resume(): void {
    if (this.kind() === 'behind' && this.unacked.size < PUSH_WINDOW && this.canPush()) {
      void this.drain();
    }
  }

  /** Frees window slots for acked ids and resumes a drain that waited for them. */
  acked(serverIds: readonly number[]): void {
    for (const id of serverIds) this.unacked.delete(id);
    if (this.kind() === 'behind' && this.unacked.size <= PUSH_WINDOW / 2) {
      void this.drain();
    }
  }

  /** A call, not a property read, so that TypeScript keeps no narrowing of it across awaits. */
  private kind(): MailboxStreamState['kind'] {
    return this.state.kind;
  }

  private transition(event: MailboxStreamEvent): void {
    this.state = nextMailboxStreamState(this.state, event);
  }

  private send(envelope: StoredEnvelope): void {
    this.cursor = envelope.serverId;
    this.unacked.add(envelope.serverId);
    this.push(envelope);
  }

  private async drain(): Promise<void> {
    this.transition('drain');
    try {
      while (this.kind() !== 'stopped') {
        if (this.unacked.size >= PUSH_WINDOW || !this.canPush()) return; // resumed by acked() or resume()
        this.transition('read');
        const limit = Math.min(PAGE, PUSH_WINDOW - this.unacked.size);
        const page = await this.store.readMailbox(this.device, this.cursor, limit);
        for (const envelope of page) {
          if (this.kind() === 'stopped') return;
          // Not caught up: the rest is read again from the cursor on resume().
          if (!this.canPush()) return;
          if (envelope.serverId > this.cursor) this.send(envelope);
        }
        const state = this.state;
        if (page.length < limit && state.kind === 'draining' && !state.missed) {
          this.transition('caught-up');
          if (!state.drainedSent) this.pushDrained();
          return;
        }
      }
    } catch (error) {
      this.onError(error);
    } finally {
      // Not caught up (window full, a failed read): behind until acks or offers resume it.
      if (this.kind() === 'draining') this.transition('pause');
    }
  }
}
