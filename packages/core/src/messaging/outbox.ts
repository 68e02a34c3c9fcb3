import type { MessageInitShape } from '@bufbuild/protobuf';
import { EnvelopeType, type OutgoingMessageSchema } from '@parley/protocol';
import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import type { SessionLock } from '../crypto/session-lock.js';
import type { OutboxRow, ParleyDatabase } from '../store/database.js';
import type { SignalStores } from '../store/signal-stores.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import type { RelayConnection } from '../transport/relay-connection.js';
import { RelayError } from '../transport/relay-errors.js';
import { IdentityHeldError, isEngineError, type Sessions } from './sessions.js';

/** Sends in flight at once (the relay allows 256 unanswered requests per socket). */
export const OUTBOX_WINDOW = 64;
/** Attempts per row within one drain when the relay reports a changed device set. */
const MAX_DEVICE_SET_RETRIES = 3;

type OutgoingMessage = MessageInitShape<typeof OutgoingMessageSchema>;

export interface OutboxItem {
  content: Uint8Array<ArrayBuffer>;
  recipientAccountIds: string[];
  ownDevices: boolean;
  messageIds?: string[];
}

/**
 * The durable outbox. Rows are staged in the same transaction as the change they announce and
 * deleted only when the relay acknowledged the send (= durably stored for every device). Every
 * attempt carries the row's idempotency key, so a retry after a lost answer is stored once.
 * Each attempt encrypts afresh for the current device set; a retried ciphertext the relay
 * discards only advances our ratchet, which the receiver's skipped-key handling absorbs.
 */
export class Outbox {
  private draining = false;
  private again = false;
  private closed = false;
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(
    private readonly engine: SignalEngine,
    private readonly db: ParleyDatabase,
    private readonly stores: SignalStores,
    private readonly sessions: Sessions,
    private readonly lock: SessionLock,
    private readonly connection: RelayConnection,
    private readonly local: () => ProtocolAddress,
    /** Called inside the acknowledgement's unit of work: the rows' messages are now 'sent'. */
    private readonly onSent: (work: UnitOfWork, messageIds: string[]) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  enqueue(work: UnitOfWork, item: OutboxItem): void {
    work.outbox.push({
      idempotencyKey: crypto.randomUUID(),
      content: item.content,
      recipientAccountIds: item.recipientAccountIds,
      ownDevices: item.ownDevices,
      messageIds: item.messageIds ?? [],
      createdAt: Date.now(),
    });
  }

  /** Starts (or re-runs) a drain; cheap to call after every change. */
  kick(): void {
    if (this.closed) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain()
      .catch(this.onError)
      .finally(() => {
        this.draining = false;
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.inFlight.values());
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      const held = await this.heldAccounts();
      let lastSeq = 0;
      for (;;) {
        // Page through the outbox so a 10,000-row backlog is never loaded at once.
        const rows = await this.db.outbox
          .where('seq')
          .above(lastSeq)
          .limit(OUTBOX_WINDOW * 4)
          .toArray();
        if (rows.length === 0) break;
        for (const row of rows) {
          lastSeq = row.seq ?? lastSeq;
          if (this.closed || !this.connection.online) return;
          if (row.seq === undefined || this.inFlight.has(row.seq)) continue;
          if (row.recipientAccountIds.some((id) => held.has(id))) continue;
          while (this.inFlight.size >= OUTBOX_WINDOW) await Promise.race(this.inFlight.values());
          const seq = row.seq;
          this.inFlight.set(
            seq,
            this.deliver(row).finally(() => this.inFlight.delete(seq)),
          );
        }
      }
      await Promise.allSettled(this.inFlight.values());
    } while (this.again && !this.closed);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    for (let attempt = 0; attempt <= MAX_DEVICE_SET_RETRIES; attempt++) {
      let messages: OutgoingMessage[];
      try {
        messages = await this.encrypt(row);
      } catch (error) {
        if (
          error instanceof IdentityHeldError ||
          isEngineError(this.engine, error, 'UntrustedIdentity')
        )
          return;
        throw error;
      }
      try {
        if (messages.length > 0)
          await this.connection.send({ clientId: row.idempotencyKey, messages });
        await this.acknowledge(row);
        return;
      } catch (error) {
        if (!(error instanceof RelayError)) throw error;
        if (error.code === 'MISMATCHED_DEVICES') {
          await this.sessions.reconcile(error.mismatchedDevices);
          continue;
        }
        if (error.code === 'NOT_FOUND' && error.unknownAccounts.length > 0) {
          // Accounts that no longer exist: deliver to the rest, forget the gone ones.
          row.recipientAccountIds = row.recipientAccountIds.filter(
            (id) => !error.unknownAccounts.includes(id),
          );
          await this.db.sessions.where('accountId').anyOf(error.unknownAccounts).delete();
          continue;
        }
        // UNREACHABLE and friends: the row stays; the next connection drains it again.
        return;
      }
    }
  }

  private async encrypt(row: OutboxRow): Promise<OutgoingMessage[]> {
    const self = this.local();
    const accounts = row.ownDevices
      ? [...row.recipientAccountIds, self.name()]
      : row.recipientAccountIds;
    const destinations: ProtocolAddress[] = [];
    for (const accountId of new Set(accounts)) {
      let devices = await this.sessions.devicesOf(accountId);
      if (devices.length === 0 && accountId !== self.name()) {
        await this.sessions.establish(accountId);
        devices = await this.sessions.devicesOf(accountId);
      }
      for (const deviceId of devices)
        destinations.push(this.engine.ProtocolAddress.new(accountId, deviceId));
    }
    return this.lock.run(async () => {
      const messages: OutgoingMessage[] = [];
      for (const destination of destinations) {
        const ciphertext = await this.engine.signalEncrypt(
          row.content,
          destination,
          self,
          this.stores,
          this.stores,
        );
        messages.push({
          destination: { accountId: destination.name(), deviceId: destination.deviceId() },
          type:
            ciphertext.type() === this.engine.CiphertextMessageType.PreKey
              ? EnvelopeType.PREKEY_MESSAGE
              : EnvelopeType.SIGNAL_MESSAGE,
          content: ciphertext.serialize(),
        });
      }
      return messages;
    });
  }

  private async acknowledge(row: OutboxRow): Promise<void> {
    if (row.seq === undefined) return;
    const work = new UnitOfWork();
    work.sentOutbox.push(row.seq);
    this.onSent(work, row.messageIds);
    await work.commit(this.db);
  }

  private async heldAccounts(): Promise<Set<string>> {
    const rows = await this.db.identities.filter((row) => row.pendingAcceptance).toArray();
    return new Set(rows.map((row) => row.accountId));
  }
}
