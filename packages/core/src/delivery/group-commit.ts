import { MAX_MERGED_UPDATE_BYTES, coalesceOutbox } from './outbox-coalescing.js';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import type { UnitOfWorkStore } from '../store/repositories.js';
import { UnitOfWork } from '../store/unit-of-work.js';

export interface GroupCommitDeps {
  store: UnitOfWorkStore;
  /** Stages one conversation's messages (in call order, sized for one envelope) on `work`. */
  stageAppend(work: UnitOfWork, conversationId: string, entries: MessageEntry[]): void;
  /** After a commit is durable (kick the outbox, compact documents). */
  committed(work: UnitOfWork): void;
  /** Merge the commit's outbox rows per conversation before writing them (outbox-coalescing.ts). */
  coalesceOutbox: boolean;
}

/** A group commit being collected. */
interface PendingCommit {
  batch: UnitOfWork;
  /** Messages sent since, by conversation, in call order; appended when the commit starts. */
  appends: Map<string, MessageEntry[]>;
  done: Promise<void>;
}

/**
 * Group commit: local actions staged while the previous commit is in flight (or in the same
 * tick) share one IndexedDB transaction, so under load batches grow instead of transactions
 * queueing up. Each caller still resolves only once its changes are durable.
 *
 * Messages sent meanwhile are appended to their documents when the commit starts, all of one
 * conversation in one Yjs transaction: one update, one logged row and one outbox row instead of
 * one each merged afterwards (docs/decisions/0370: per-message transactions and Y.mergeUpdates
 * dominated the sender's CPU).
 */
export class GroupCommit {
  private pending: PendingCommit | undefined;
  private last: Promise<void> = Promise.resolve();

  private readonly store: UnitOfWorkStore;
  private readonly hooks: GroupCommitDeps;

  constructor(deps: GroupCommitDeps) {
    this.store = deps.store;
    this.hooks = deps;
  }

  /** Resolves once `work` is durable, committed with whatever else was staged meanwhile. */
  commit(work: UnitOfWork): Promise<void> {
    const pending = this.current();
    pending.batch.absorb(work);
    return pending.done;
  }

  /** Appends `entry` to its conversation when the commit starts; resolves once it is durable. */
  append(conversationId: string, entry: MessageEntry): Promise<void> {
    const pending = this.current();
    const queued = pending.appends.get(conversationId);
    if (queued) queued.push(entry);
    else pending.appends.set(conversationId, [entry]);
    return pending.done;
  }

  /** The commit that takes changes now. */
  private current(): PendingCommit {
    if (this.pending) return this.pending;
    const batch = new UnitOfWork();
    const appends = new Map<string, MessageEntry[]>();
    const done = this.last
      .catch(() => undefined)
      .then(async () => {
        this.pending = undefined;
        for (const [conversationId, entries] of appends) {
          for (const chunk of envelopeSized(entries))
            this.hooks.stageAppend(batch, conversationId, chunk);
        }
        // A burst of messages to one conversation becomes one outbox row before it is written.
        if (this.hooks.coalesceOutbox) {
          const { rows } = coalesceOutbox(batch.outbox);
          batch.outbox.splice(0, batch.outbox.length, ...rows);
        }
        await this.store.commit(batch);
        this.hooks.committed(batch);
      });
    this.pending = { batch, appends, done };
    this.last = done;
    return this.pending;
  }
}

/** Bytes of a message entry in a Yjs update, at most (UTF-8 body plus ids and field names). */
const entryBytes = (entry: MessageEntry): number =>
  entry.body.length * 3 + 256 + (entry.attachments ? JSON.stringify(entry.attachments).length : 0);

/** Consecutive runs of entries whose update stays within MAX_MERGED_UPDATE_BYTES (one envelope). */
function envelopeSized(entries: MessageEntry[]): MessageEntry[][] {
  const chunks: MessageEntry[][] = [];
  let bytes = Infinity;
  for (const entry of entries) {
    if (bytes + entryBytes(entry) > MAX_MERGED_UPDATE_BYTES) {
      chunks.push([]);
      bytes = 0;
    }
    chunks.at(-1)?.push(entry);
    bytes += entryBytes(entry);
  }
  return chunks;
}
