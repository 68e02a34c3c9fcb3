import type { ConversationModel } from './conversation-model.js';
import type { DocUpdateRow } from '../store/database.js';
import type {
  ConversationRepository,
  SegmentRepository,
  UnitOfWorkStore,
} from '../store/repositories.js';
import { appendAll, UnitOfWork } from '../store/unit-of-work.js';
import type { SealingLimits } from '../history/limits.js';

/**
 * Compact a conversation's update log into its snapshot once it holds this many updates AND at
 * least as many bytes as the snapshot. Encoding and storing the snapshot costs its whole size, so
 * the byte condition keeps compaction proportional to what was logged: without it, a long
 * conversation rewrote its entire document every 500 updates (quadratic in its length).
 */
export const COMPACT_AFTER_UPDATES = 500;

/**
 * What keeps a conversation's stored document small: folding its update log into the snapshot,
 * sealing the oldest entries of its live window into segments and purging removed content from
 * them (history/, docs/decisions/0820), and reading sealed segments back.
 */
export class Compaction {
  constructor(
    private readonly store: ConversationRepository & SegmentRepository & UnitOfWorkStore,
    private readonly sealing: SealingLimits,
  ) {}

  /**
   * Folds the update log into the snapshot once it grew long (and nothing is missing). The
   * snapshot is encoded first and then written, with the deletion of the log rows it covers
   * (those committed so far: their updates are in the document), in one short transaction: a
   * range delete per run of consecutive rows. Rows committed meanwhile stay in the log; applying
   * one that the snapshot also holds changes nothing. Before, the whole compaction (encoding,
   * and deleting the rows through an index scan) ran inside a transaction that every commit
   * writing a document update had to wait for: 40-210 ms under load, the tail of the paced
   * benchmark's latency (docs/decisions/0370).
   */
  async compactIfNeeded(model: ConversationModel, force = false): Promise<void> {
    // A forced compaction (a purge: disappearing/, rich/) stays due until one has run.
    if (force) model.purge = true;
    this.settleStaged(model);
    // A live window that overflows by a segment is sealed now (history/): its cost is the
    // window's, once per segment of new entries.
    const due =
      model.purge ||
      (model.logSeqs.length >= COMPACT_AFTER_UPDATES && model.logBytes >= model.snapshotBytes) ||
      (model.docLoaded && this.windowOverflows(model));
    if (model.compacting || !due || model.doc.hasMissingUpdates) return;
    model.compacting = true;
    model.purge = false;
    const covered = model.logSeqs;
    const coveredBytes = model.logBytes;
    model.logSeqs = [];
    model.logBytes = 0;
    try {
      if (this.owesHistoryWork(model)) {
        const { sealAndPurge } = await import('../history/seal.js');
        await sealAndPurge(this.store, model, this.sealing);
      }
      const snapshot = model.doc.snapshot() as Uint8Array<ArrayBuffer>;
      const work = new UnitOfWork();
      work.snapshots.push({ conversationId: model.row.id, snapshot });
      const segments = [...model.history.uncommitted.values()];
      appendAll(work.segments, segments);
      appendAll(work.deletedDocUpdates, covered);
      // Lost, the compaction is simply done again: the log still holds everything, and the
      // segments sealed from memory stay uncommitted until a compaction writes them.
      await this.store.commit(work, 'relaxed');
      model.snapshotBytes = snapshot.length;
      for (const row of segments)
        if (model.history.uncommitted.get(row.seq) === row)
          model.history.uncommitted.delete(row.seq);
    } catch (error) {
      // Nothing was written: the rows are still in the log.
      model.logSeqs = [...covered, ...model.logSeqs];
      model.logBytes += coveredBytes;
      model.purge = true;
      throw error;
    } finally {
      model.compacting = false;
    }
  }

  /** Whether a compaction has segments to seal, rewrite or write (history/seal.ts). */
  private owesHistoryWork(model: ConversationModel): boolean {
    const { history } = model;
    return this.windowOverflows(model) || history.purges.size > 0 || history.uncommitted.size > 0;
  }

  private windowOverflows(model: ConversationModel): boolean {
    const { liveEntries, segmentEntries } = this.sealing;
    return model.doc.timeline().length >= liveEntries + segmentEntries;
  }

  /**
   * Reads the next older sealed segment into the conversation's timeline (history/); false when
   * there is none left.
   */
  readOlder(model: ConversationModel): Promise<boolean> {
    const { history } = model;
    // Concurrent calls (scroll events, a search hit) share one read.
    history.reading ??= import('../history/segment-reads.js')
      .then(({ readNextSegment }) => readNextSegment(this.store, model))
      .finally(() => {
        history.reading = undefined;
      });
    return history.reading;
  }

  /**
   * Marks those of `messageIds` that were sealed (not in the live document) for removal from
   * their segments at the next compaction, which it makes due (a delete for everyone, an
   * expiry). Call before the live document's own removal.
   */
  purgeSealed(model: ConversationModel, messageIds: Iterable<string>): void {
    const live = new Set(model.doc.timeline().map((entry) => entry.id));
    const sealed: Array<{ id: string; key: number }> = [];
    for (const id of messageIds) {
      const row = model.rows.get(id);
      if (row && !live.has(id)) sealed.push({ id, key: row.hlc ?? row.sentAt });
    }
    if (sealed.length === 0) return;
    model.history.purge(sealed);
    model.purge = true;
  }

  /** Moves staged rows that a commit has written (they have a seq now) into the log. */
  private settleStaged(model: ConversationModel): void {
    if (model.staged.length === 0) return;
    const stillStaged: DocUpdateRow[] = [];
    for (const row of model.staged) {
      if (row.seq === undefined) {
        stillStaged.push(row);
        continue;
      }
      model.logSeqs.push(row.seq);
      model.logBytes += row.update.length;
    }
    model.staged = stillStaged;
  }
}
