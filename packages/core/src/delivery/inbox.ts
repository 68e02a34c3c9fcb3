import { EnvelopeType, type Content, type Envelope } from '@parley/protocol';
import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import type { SessionLock } from '../crypto/session-lock.js';
import type { ParleyDatabase } from '../store/database.js';
import type { SignalStores } from '../store/signal-stores.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { decodeContent } from './contents.js';
import { isEngineError } from './sessions.js';

/** Envelopes handled per IndexedDB transaction (and per batched ack). */
export const INBOX_BATCH = 256;
/** Keys of envelopes this process applied, remembered to recognize redeliveries without a read. */
const RECENT_KEYS = 4096;

export interface Sender {
  accountId: string;
  deviceId: number;
}

export interface InboxHandlers {
  /** Applies one decrypted Content; its changes are staged on `work`. */
  handle(content: Content, sender: Sender, work: UnitOfWork): Promise<void>;
  /** After the last envelope of a batch, before the commit: finish what `handle` deferred. */
  batchHandled(work: UnitOfWork): void;
  /** After a batch is durable (and acked); `usedPreKeys` when it held PreKey messages. */
  committed(work: UnitOfWork, usedPreKeys: boolean): void;
  decryptFailed(sender: Sender, reason: string): void;
}

/**
 * Receives pushed envelopes: decrypts, applies, persists, then acks — in that order, so an
 * envelope is acked only once its effect is durable. A batch of envelopes shares one transaction.
 * Redelivered envelopes (same source and client id) are recognized and acked without decrypting.
 *
 * Redeliveries come in a connection's backlog (envelopes pushed before, not acked in time): those
 * are looked up in `processedEnvelopes`. Envelopes pushed live, after the backlog, were stored
 * after it was read and so never reached this device before; they are only checked against the
 * keys this process applied, which saves a read transaction per received batch
 * (docs/decisions/0370). Every applied key is still recorded, for later backlogs.
 */
export class Inbox {
  private readonly queue: Array<{ envelope: Envelope; live: boolean }> = [];
  private readonly recent = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly engine: SignalEngine,
    private readonly db: ParleyDatabase,
    private readonly stores: SignalStores,
    private readonly lock: SessionLock,
    private readonly local: () => ProtocolAddress,
    private readonly ack: (serverIds: bigint[]) => void,
    private readonly handlers: InboxHandlers,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(envelope: Envelope, live = false): void {
    this.queue.push({ envelope, live });
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once everything queued so far is processed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, INBOX_BATCH);
      try {
        await this.processBatch(batch);
      } catch (error) {
        // Nothing of the batch was acked: the relay pushes it again on the next connection.
        this.onError(error);
      }
    }
  }

  private async processBatch(pushed: Array<{ envelope: Envelope; live: boolean }>): Promise<void> {
    const work = new UnitOfWork();
    const acks: bigint[] = [];
    const batch = pushed.map(({ envelope }) => envelope);
    const keys = batch.map(envelopeKey);
    const seen = await this.seenBefore(pushed, keys);
    const inBatch = new Set<string>();
    for (const [i, envelope] of batch.entries()) {
      const key = keys[i] ?? '';
      acks.push(envelope.serverId);
      if (seen.has(key) || inBatch.has(key)) continue;
      inBatch.add(key);
      work.processed.push({ envelopeId: key, at: Date.now() });
      await this.processOne(envelope, work);
    }
    this.handlers.batchHandled(work);
    // The session state these decryptions advanced becomes durable with their effects.
    await this.stores.commitSessionsWith(async (sessions) => {
      work.sessions.push(...sessions);
      await work.commit(this.db);
    });
    this.remember(inBatch);
    this.ack(acks);
    this.handlers.committed(
      work,
      batch.some((envelope) => envelope.type === EnvelopeType.PREKEY_MESSAGE),
    );
  }

  /** Keys of `keys` already applied: backlog envelopes are looked up, live ones only in memory. */
  private async seenBefore(
    pushed: Array<{ envelope: Envelope; live: boolean }>,
    keys: string[],
  ): Promise<Set<string>> {
    const seen = new Set(keys.filter((key) => this.recent.has(key)));
    const lookUp = keys.filter((key, i) => !pushed[i]?.live && !seen.has(key));
    if (lookUp.length === 0) return seen;
    const rows = await this.db.processedEnvelopes.bulkGet(lookUp);
    for (const row of rows) if (row) seen.add(row.envelopeId);
    return seen;
  }

  /** Adds durably applied keys to `recent`, forgetting the oldest beyond RECENT_KEYS. */
  private remember(keys: Set<string>): void {
    for (const key of keys) this.recent.add(key);
    for (const key of this.recent) {
      if (this.recent.size <= RECENT_KEYS) break;
      this.recent.delete(key);
    }
  }

  private async processOne(envelope: Envelope, work: UnitOfWork): Promise<void> {
    const sender: Sender = {
      accountId: envelope.source?.accountId ?? '',
      deviceId: envelope.source?.deviceId ?? 0,
    };
    let plaintext: Uint8Array;
    try {
      plaintext = await this.decrypt(envelope, sender);
    } catch (error) {
      if (isEngineError(this.engine, error, 'DuplicatedMessage')) return;
      this.handlers.decryptFailed(sender, describe(error));
      return;
    }
    let content: Content;
    try {
      content = decodeContent(plaintext);
    } catch (error) {
      this.handlers.decryptFailed(sender, `undecodable content: ${describe(error)}`);
      return;
    }
    await this.handlers.handle(content, sender, work);
  }

  private decrypt(envelope: Envelope, sender: Sender): Promise<Uint8Array> {
    const engine = this.engine;
    const from = engine.ProtocolAddress.new(sender.accountId, sender.deviceId);
    const content = envelope.content as Uint8Array<ArrayBuffer>;
    return this.lock.run(async () => {
      switch (envelope.type) {
        case EnvelopeType.PREKEY_MESSAGE:
          return engine.signalDecryptPreKey(
            engine.PreKeySignalMessage.deserialize(content),
            from,
            this.local(),
            this.stores,
            this.stores,
            this.stores,
            this.stores,
            this.stores,
          );
        case EnvelopeType.SIGNAL_MESSAGE:
          return engine.signalDecrypt(
            engine.SignalMessage.deserialize(content),
            from,
            this.local(),
            this.stores,
            this.stores,
          );
        default:
          throw new Error(`unsupported envelope type ${envelope.type}`);
      }
    });
  }
}

/** Identifies a delivery independently of the relay's database: the sender's device and idempotency key. */
function envelopeKey(envelope: Envelope): string {
  return `${envelope.source?.accountId}.${envelope.source?.deviceId}/${envelope.clientId}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
