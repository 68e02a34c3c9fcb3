import type { DexieOptions } from 'dexie';
import { IndexStore } from './index-store.js';
import { MessageIndex } from './message-index.js';
import type {
  IndexChanges,
  IndexHit,
  IndexQuery,
  RestoreReport,
  SearchBackend,
  SearchBackendFactory,
} from './search-document.js';

/** How long after the last change the index is written (changes meanwhile share the write). */
export const SAVE_DELAY_MS = 2_000;
/**
 * A change postpones the pending write (a catch-up of 100,000 messages in 50 batches is written
 * once, not every 2 s while it grows), but at most this many times, so steady traffic still saves.
 */
export const MAX_SAVE_POSTPONEMENTS = 100;
/**
 * Writing the index costs its whole size (15 MB of JSON at 100,000 messages, and the worker
 * answers no query meanwhile), so it is written once the unsaved changes reach this fraction of
 * it: the cost per message stays constant. What is not yet written is not lost: at the next
 * start, restore() reports the messages the saved index misses and they are indexed again.
 */
export const SAVE_FRACTION = 0.01;

/** Runs `task` after `delayMs`; returns a cancel function. Injected by tests. */
export type Scheduler = (task: () => void, delayMs: number) => () => void;

const timerScheduler: Scheduler = (task, delayMs) => {
  const timer = setTimeout(task, delayMs);
  return () => clearTimeout(timer);
};

export interface LocalIndexOptions {
  databaseName: string;
  indexedDB?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>;
  schedule?: Scheduler;
  /** Background failures (a save that failed; the next change saves again). */
  onError?: (error: unknown) => void;
  /**
   * Starts reading the saved index at once, while the messenger reads the stored message ids
   * that restore() takes (in parallel in a Web Worker; in the messenger's own thread it would
   * compete with the first screen, so it is off by default).
   */
  preload?: boolean;
}

/**
 * The search index and its persistence, in the thread that runs it (a Web Worker in the browser,
 * the messenger's own thread in Node). Changes apply at once; the index is written to IndexedDB
 * SAVE_DELAY_MS after the last save was asked for, and on flush/close.
 */
export class LocalSearchIndex implements SearchBackend {
  private index = MessageIndex.empty();
  private readonly store: IndexStore;
  private readonly schedule: Scheduler;
  private readonly onError: (error: unknown) => void;
  private cancelSave: (() => void) | undefined;
  private postponements = 0;
  /** Documents changed since the last write. */
  private unsaved = 0;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private saved: Promise<MessageIndex | undefined> | undefined;
  /** Keys of pending entries (IndexStore.pending) to clear once a save holds their changes. */
  private pendingSeqs: number[] = [];

  constructor(options: LocalIndexOptions) {
    this.store = new IndexStore(options.databaseName, options.indexedDB);
    this.schedule = options.schedule ?? timerScheduler;
    this.onError = options.onError ?? (() => undefined);
    if (options.preload) {
      this.saved = this.loadSaved();
      // A failure reaches restore(), which awaits this; until then it is not unhandled.
      this.saved.catch(() => undefined);
    }
  }

  async restore(expected: readonly string[]): Promise<RestoreReport> {
    this.index = (await (this.saved ?? this.loadSaved())) ?? MessageIndex.empty();
    const restored = this.index.size;
    // Messages changed where no index was kept (a service worker), or edited here after the
    // last save: dropped, so the caller indexes them anew from their rows.
    const pending = await this.store.pending();
    let removed = 0;
    for (const messageId of pending.messageIds) removed += this.index.remove(messageId);
    const wanted = new Set(expected);
    for (const messageId of [...this.index.messageIds()])
      if (!wanted.has(messageId)) removed += this.index.remove(messageId);
    this.pendingSeqs.push(...pending.seqs);
    if (removed > 0 || pending.seqs.length > 0) this.changed(Math.max(1, removed));
    const missing = expected.filter((id) => !this.index.has(id));
    return { restored, missing, removed };
  }

  async apply(changes: IndexChanges): Promise<void> {
    let changed = 0;
    for (const messageId of changes.remove ?? []) changed += this.index.remove(messageId);
    const updated = changes.update ?? [];
    const edited = [...new Set(updated.map((document) => document.messageId))];
    // The saved index keeps the old text until the next save, and a restore cannot tell an
    // edited message from its stored row: recorded first, it is indexed anew if no save follows.
    if (edited.length > 0) this.pendingSeqs.push(...(await this.store.addPending(edited)));
    for (const messageId of edited) changed += this.index.remove(messageId);
    for (const document of [...updated, ...(changes.add ?? [])])
      if (this.index.add(document)) changed++;
    if (changed > 0) this.changed(changed);
  }

  async query(query: IndexQuery): Promise<IndexHit[]> {
    return this.index.query(query);
  }

  async flush(): Promise<void> {
    this.cancelSave?.();
    this.cancelSave = undefined;
    this.postponements = 0;
    await this.save();
  }

  async close(): Promise<void> {
    await this.flush();
    this.store.close();
  }

  private async loadSaved(): Promise<MessageIndex | undefined> {
    const saved = await this.store.load();
    return saved ? MessageIndex.restore(saved) : undefined;
  }

  private changed(documents: number): void {
    this.dirty = true;
    this.unsaved += documents;
    const worthSaving = this.unsaved >= Math.max(1, Math.floor(this.index.size * SAVE_FRACTION));
    if (!worthSaving && !this.cancelSave) return;
    if (this.cancelSave) {
      if (this.postponements >= MAX_SAVE_POSTPONEMENTS) return;
      this.postponements++;
      this.cancelSave();
    }
    this.cancelSave = this.schedule(() => {
      this.cancelSave = undefined;
      this.postponements = 0;
      this.save().catch(this.onError);
    }, SAVE_DELAY_MS);
  }

  /** Saves are chained: a later save never finishes before an earlier one. */
  private save(): Promise<void> {
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        if (!this.dirty) return;
        this.dirty = false;
        const unsaved = this.unsaved;
        const pendingSeqs = this.pendingSeqs.splice(0);
        this.unsaved = 0;
        try {
          await this.store.save(this.index.serialize());
        } catch (error) {
          this.dirty = true;
          this.unsaved += unsaved;
          this.pendingSeqs.push(...pendingSeqs);
          throw error;
        }
        await this.store.clearPending(pendingSeqs);
      });
    return this.saving;
  }
}

/** The index in the messenger's own thread (Node, the service worker), as its search backend. */
export const localSearchBackend: SearchBackendFactory = (context) => new LocalSearchIndex(context);
