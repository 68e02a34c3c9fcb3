import { EnvelopeType, type Content, type Envelope } from '@parley/protocol';
import type { SessionRow } from '../store/database.js';
import type { ProcessedEnvelopeRepository, UnitOfWorkStore } from '../store/repositories.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { decodeContent } from './contents.js';

/** Envelopes handled per IndexedDB transaction (and per batched ack). */
export const INBOX_BATCH = 256;
/** How long applied envelope ids are remembered: longer than the relay's mailbox retention (30 days by default). */
export const PROCESSED_RETENTION_MS = 45 * 24 * 60 * 60 * 1000;
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
  /**
   * A group (sender-key) message did not decrypt: keep it as a placeholder and ask its sender for
   * the key (groups/). `envelope`: its key and when the relay took it. True when a placeholder
   * shows it (no failure to report: it fills itself once the key arrives).
   */
  senderKeyMissing?(
    ciphertext: Uint8Array,
    sender: Sender,
    work: UnitOfWork,
    envelope: { key: string; receivedAt: number },
  ): boolean;
}

/** Where envelopes are decrypted: SignalDecryption (decryption.ts), or a stand-in in unit tests. */
export interface EnvelopeDecryption {
  decrypt(envelope: Envelope, sender: Sender): Promise<Uint8Array>;
  /** `error` (from decrypt) says the envelope was decrypted before: drop it silently. */
  isDuplicate(error: unknown): boolean;
  /**
   * Runs `commit` with the session state the decryptions so far advanced, so that it becomes
   * durable with their effects (decision 0302).
   */
  commitSessionsWith(commit: (sessions: SessionRow[]) => Promise<void>): Promise<void>;
}

export interface InboxDeps {
  store: ProcessedEnvelopeRepository & UnitOfWorkStore;
  decryption: EnvelopeDecryption;
  /** Acknowledges envelopes to the relay (which then deletes them). */
  ack(serverIds: bigint[]): void;
  handlers: InboxHandlers;
  onError(error: unknown): void;
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

  private readonly store: InboxDeps['store'];
  private readonly decryption: EnvelopeDecryption;
  private readonly ack: (serverIds: bigint[]) => void;
  private readonly handlers: InboxHandlers;
  private readonly onError: (error: unknown) => void;

  constructor(deps: InboxDeps) {
    this.store = deps.store;
    this.decryption = deps.decryption;
    this.ack = (serverIds) => deps.ack(serverIds);
    this.handlers = deps.handlers;
    this.onError = (error) => deps.onError(error);
  }

  /** When the messenger opens: the relay forgets undelivered envelopes after its retention, so may we. */
  async load(now = Date.now()): Promise<void> {
    await this.store.forgetProcessedBefore(now - PROCESSED_RETENTION_MS);
  }

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
    await this.decryption.commitSessionsWith(async (sessions) => {
      work.sessions.push(...sessions);
      await this.store.commit(work);
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
    for (const key of await this.store.processedAmong(lookUp)) seen.add(key);
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
      plaintext = await this.decryption.decrypt(envelope, sender);
    } catch (error) {
      if (this.decryption.isDuplicate(error)) return;
      const placeholder =
        envelope.type === EnvelopeType.SENDER_KEY_MESSAGE &&
        this.handlers.senderKeyMissing?.(envelope.content, sender, work, {
          key: envelopeKey(envelope),
          receivedAt: Number(envelope.serverTimestamp) || Date.now(),
        });
      if (!placeholder) this.handlers.decryptFailed(sender, describe(error));
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
}

/** Identifies a delivery independently of the relay's database: the sender's device and idempotency key. */
function envelopeKey(envelope: Envelope): string {
  return `${envelope.source?.accountId}.${envelope.source?.deviceId}/${envelope.clientId}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
