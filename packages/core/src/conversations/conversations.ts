import * as Y from 'yjs';
import type { CallRecord } from '../calls/types.js';
import { ConversationDoc, LOCAL_ORIGIN, type MessageEntry } from './conversation-doc.js';
import type {
  ConversationRow,
  DocUpdateRow,
  MessageRow,
  ReceiptRow,
  StoredMessageStatus,
} from '../store/database.js';
import type {
  ConversationRepository,
  StoredDocument,
  SegmentRepository,
  UnitOfWorkStore,
} from '../store/repositories.js';
import { raisePreview, resummarize, summarizeChange } from './model-summary.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { SealedHistory } from '../history/sealed-history.js';
import { SEALING, type SealingLimits } from '../history/limits.js';
import { Compaction } from './compaction.js';
import { mayBeGroupRow, type ConversationModel } from './conversation-model.js';
import { applyStored, documentStates } from './documents.js';
import { messageRow } from './message-row.js';
import { ReceiptStatus, STATUS_RANK } from './receipt-status.js';

// Where the rest of the conversations' code lives; imported from here by callers.
export { COMPACT_AFTER_UPDATES } from './compaction.js';
export { mayBeGroupRow, type ConversationModel } from './conversation-model.js';
export { messageRow } from './message-row.js';

export interface ConversationsDeps {
  store: ConversationRepository & SegmentRepository & UnitOfWorkStore;
  selfAccountId(): string;
  /**
   * Ids of messages the outbox has not sent yet (a stored 'pending' row of another is 'sent');
   * none when absent (tests without an outbox).
   */
  unsentMessageIds?(): ReadonlySet<string>;
  /** A conversation's document, projection or typing state changed (views re-render). */
  changed(conversationId: string): void;
  /** A projection row appeared or its status rose (disappearing/ starts expiry timers here). */
  rowChanged?(model: ConversationModel, row: MessageRow): void;
  /** A status was learned for a message, held on this device or not (e.g. already expired). */
  statusNoted?(messageId: string, status: StoredMessageStatus): void;
  /** A change was staged on `work` (rich/ stages what edits and deletes do to the rows). */
  afterStage?(work: UnitOfWork, model: ConversationModel): void;
  /**
   * What other concerns keep per chat is read with its rows (ensure), before they count as read,
   * never whole at start (0821): a read of their own (groups/' pending group messages) ...
   */
  readAlong?(conversationIds: readonly string[]): Promise<void>;
  /** ... and the receipts of the chats' messages (groups/ keeps its members'). */
  receiptsRead?(receipts: readonly ReceiptRow[]): void;
  /** The live window and segment size (history/limits.ts); smaller in tests. */
  sealing?: SealingLimits;
}

/**
 * The conversations of this device: their Yjs documents (snapshot + update log in IndexedDB) and
 * the message projection derived from them. Changes are staged on a UnitOfWork that the caller
 * commits, so a document update and its projection rows are written together.
 */
export class Conversations {
  private readonly models = new Map<string, ConversationModel>();
  private readonly receiptStatus = new ReceiptStatus();
  /** Where messages added by the document go; set while a unit of work is being built. */
  private staging: { work: UnitOfWork; incoming: MessageRow[] } | undefined;
  /** Set while a stored document is decoded on first use (its rows were loaded already). */
  private replaying = false;
  /** The conversation rows were read (loadFirstScreen). */
  private listed = false;
  /** Stored documents not decoded yet, by conversation (read with the rows, or at first screen). */
  private readonly documents = new Map<string, () => StoredDocument>();
  /** Rows being read, by conversation (ensure). */
  private readonly loading = new Map<string, Promise<void>>();

  /** Also where history/ reads and lists sealed segments. */
  readonly store: ConversationsDeps['store'];
  private readonly compaction: Compaction;
  private readonly selfAccountId: () => string;
  private readonly changed: (conversationId: string) => void;
  private readonly rowChanged: (model: ConversationModel, row: MessageRow) => void;
  private readonly afterStage: (work: UnitOfWork, model: ConversationModel) => void;

  constructor(private readonly deps: ConversationsDeps) {
    this.rowChanged = (model, row) => deps.rowChanged?.(model, row);
    this.afterStage = (work, model) => deps.afterStage?.(work, model);
    this.store = deps.store;
    this.compaction = new Compaction(deps.store, deps.sealing ?? SEALING);
    this.selfAccountId = () => deps.selfAccountId();
    this.changed = (conversationId) => deps.changed(conversationId);
  }

  /**
   * Reads every conversation row and what the chat list's first screen shows
   * (docs/decisions/0820): the `chats` most recently active conversations with their newest
   * `perChat` projection rows and those rows' receipts, and the documents of those that may be
   * groups (a group's title lives in its document). A model's whole rows are read when it is
   * first used (ensure); the chat list shows the others from their summaries (0821).
   */
  async loadFirstScreen(
    unsent: ReadonlySet<string>,
    chats: number,
    perChat: number,
  ): Promise<void> {
    const screen = await this.store.loadFirstScreen(chats, perChat);
    this.listed = true;
    // A direct row without its timer recorded (written before it was) reads it from the document.
    const documents = screen.conversations
      .filter((row) => mayBeGroupRow(row) || row.disappearingSeconds === undefined)
      .map((row) => row.id);
    const document = documents.length > 0 ? await this.store.loadDocuments(documents) : undefined;
    for (const id of documents) this.documents.set(id, () => document!(id));
    this.receiptStatus.noteStored(screen.receipts);
    for (const row of screen.conversations) this.attach(row, false);
    for (const message of screen.messages)
      this.models
        .get(message.conversationId)
        ?.rows.set(message.id, this.receiptStatus.derived(message, unsent));
  }

  /**
   * Completes start-up after the first screen: conversations whose rows carry no summary yet
   * (written before summaries were kept, on a store without an upgrade of its own) have their
   * rows read once and their summaries written. No other row is read here (0821).
   */
  async load(): Promise<void> {
    // Without a first screen (tests, tools), the conversation rows alone.
    if (!this.listed) await this.loadFirstScreen(new Set(), 0, 0);
    // Reading their rows writes their summaries (readRows).
    await this.ensure(
      this.all()
        .filter((model) => !model.row.summary)
        .map((model) => model.row.id),
    );
  }

  /**
   * Reads the whole rows (with their receipts) and the documents of those of `conversationIds`
   * not read yet: before anything reads or changes a conversation beyond its row and summary
   * (a chat opened, a verb, a message or receipt for it). Concurrent calls share one read.
   */
  async ensure(conversationIds: Iterable<string>): Promise<void> {
    const waits: Promise<void>[] = [];
    const wanted: string[] = [];
    for (const id of new Set(conversationIds)) {
      const model = this.models.get(id);
      if (!model || model.rowsLoaded) continue;
      const pending = this.loading.get(id);
      if (pending) waits.push(pending);
      else wanted.push(id);
    }
    if (wanted.length > 0) {
      const read = this.readRows(wanted).finally(() => {
        for (const id of wanted) this.loading.delete(id);
      });
      for (const id of wanted) this.loading.set(id, read);
      waits.push(read);
    }
    await Promise.all(waits);
  }

  /** Settles once the rows being read now are read (ensure). */
  async reading(): Promise<void> {
    await Promise.allSettled(this.loading.values());
  }

  private async readRows(conversationIds: string[]): Promise<void> {
    const undecoded = conversationIds.filter((id) => !this.models.get(id)?.docLoaded);
    const [rows, document] = await Promise.all([
      this.store.loadConversationRows(conversationIds),
      this.store.loadDocuments(undecoded),
      this.deps.readAlong?.(conversationIds),
    ]);
    this.receiptStatus.noteStored(rows.receipts);
    this.deps.receiptsRead?.(rows.receipts);
    const unsent = this.deps.unsentMessageIds?.() ?? new Set<string>();
    const fresh = new Map<string, Map<string, MessageRow>>();
    for (const message of rows.messages) {
      let of = fresh.get(message.conversationId);
      if (!of) fresh.set(message.conversationId, (of = new Map()));
      of.set(message.id, this.receiptStatus.derived(message, unsent));
    }
    const repaired = new UnitOfWork();
    for (const id of conversationIds) {
      const model = this.models.get(id);
      // Deleted meanwhile, or created by this device meanwhile (it has no stored rows to read).
      if (!model || model.rowsLoaded) continue;
      if (!model.docLoaded) this.documents.set(id, () => document(id));
      model.rows = fresh.get(id) ?? new Map();
      model.rowsLoaded = true;
      resummarize(repaired, model);
      for (const row of model.rows.values()) this.rowChanged(model, row);
      this.changed(id);
    }
    await this.store.commit(repaired, 'relaxed');
  }

  /** Each of `models`' document as one Yjs update, none of them kept decoded (documents.ts). */
  documentStates(models: readonly ConversationModel[]): Promise<Uint8Array[]> {
    return documentStates(this.store, models);
  }

  get(id: string): ConversationModel | undefined {
    return this.models.get(id);
  }

  all(): ConversationModel[] {
    return [...this.models.values()];
  }

  /** Views of the conversation re-render (e.g. its group membership changed). */
  touchView(conversationId: string): void {
    this.changed(conversationId);
  }

  /** Deletes the conversation from this device (a declined message request, requests/). */
  async remove(conversationId: string): Promise<void> {
    await this.store.deleteConversation(conversationId);
    this.models.delete(conversationId);
    this.documents.delete(conversationId);
    this.changed(conversationId);
  }

  /** Creates the in-memory conversation; its row is staged on `work`. */
  create(work: UnitOfWork, row: ConversationRow): ConversationModel {
    // A new conversation has no stored rows: all of them (none) are loaded.
    const model = this.attach({ summary: { unread: 0 }, ...row }, true);
    work.conversations.set(row.id, model.row);
    return model;
  }

  touch(work: UnitOfWork, model: ConversationModel, at: number): void {
    if (at <= model.row.updatedAt) return;
    model.row = { ...model.row, updatedAt: at };
    work.conversations.set(model.row.id, model.row);
  }

  /**
   * Runs `change` against the document with projection rows staged on `work`. Returns the update
   * the change produced (undefined when nothing changed) and the messages other accounts wrote.
   */
  stage(
    work: UnitOfWork,
    model: ConversationModel,
    change: (doc: ConversationDoc) => void,
  ): { update: Uint8Array<ArrayBuffer> | undefined; incoming: MessageRow[] } {
    // Its new rows would be neither projected nor counted (ensure first).
    if (!model.rowsLoaded)
      throw new Error(`conversation ${model.row.id} changed before its rows were read`);
    let update: Uint8Array<ArrayBuffer> | undefined;
    const capture = (bytes: Uint8Array) => {
      update = update
        ? (Y.mergeUpdates([update, bytes]) as Uint8Array<ArrayBuffer>)
        : (bytes as Uint8Array<ArrayBuffer>);
    };
    this.staging = { work, incoming: [] };
    model.doc.doc.on('update', capture);
    try {
      change(model.doc);
    } finally {
      model.doc.doc.off('update', capture);
    }
    const { incoming } = this.staging;
    this.staging = undefined;
    if (update) {
      const row: DocUpdateRow = { conversationId: model.row.id, update };
      work.docUpdates.push(row);
      model.staged.push(row);
      this.afterStage(work, model);
      this.changed(model.row.id);
    }
    return { update, incoming };
  }

  /** Replaces a message's projection row (rich/: edited, deleted, hidden), staged on `work`. */
  replaceRow(work: UnitOfWork, model: ConversationModel, row: MessageRow): void {
    const before = model.rows.get(row.id);
    model.rows.set(row.id, row);
    work.messages.set(row.id, row);
    summarizeChange(work, model, before, row);
    this.changed(model.row.id);
  }

  /**
   * Removes rows from the model (disappearing/purge.ts: the caller deletes the stored rows), with
   * `keep` rows replacing some of them; the summary change is staged on `work`.
   */
  dropRows(
    work: UnitOfWork,
    model: ConversationModel,
    ids: ReadonlySet<string>,
    keep: readonly MessageRow[],
  ): void {
    const kept = new Map(keep.map((row) => [row.id, row]));
    for (const id of ids) {
      const before = model.rows.get(id);
      const after = kept.get(id);
      if (after) model.rows.set(id, after);
      else model.rows.delete(id);
      summarizeChange(work, model, before, after);
    }
    for (const row of keep) work.messages.set(row.id, row);
  }

  /** Adds a local entry (e.g. "safety number changed") that is not part of the shared document. */
  addSystemEntry(
    work: UnitOfWork,
    model: ConversationModel,
    body: string,
    call?: CallRecord,
  ): void {
    const row: MessageRow = {
      id: `system-${crypto.randomUUID()}`,
      conversationId: model.row.id,
      senderId: '',
      senderDeviceId: 0,
      sentAt: Date.now(),
      body,
      kind: 'system',
      outgoing: false,
      status: 'read',
      ...(call ? { call } : {}),
    };
    model.rows.set(row.id, row);
    work.messages.set(row.id, row);
    this.touch(work, model, row.sentAt);
    this.changed(model.row.id);
  }

  /**
   * Raises a message's status (never lowers it). The row is staged when it changed, unless
   * `recordedBy` names the write in the same unit of work that already records the new status
   * (see ReceiptStatus.derived): an outbox row's deletion for 'sent', a receipt row.
   */
  raiseStatus(
    work: UnitOfWork,
    messageId: string,
    status: StoredMessageStatus,
    conversationId?: string,
    recordedBy?: 'outbox' | 'receipt',
  ): void {
    this.receiptStatus.note(messageId, status);
    this.deps.statusNoted?.(messageId, status);
    const models = conversationId ? [this.models.get(conversationId)] : this.models.values();
    for (const model of models) {
      if (model && !model.rowsLoaded && raisePreview(work, model, messageId, status))
        this.changed(model.row.id);
      const row = model?.rows.get(messageId);
      if (!model || !row || !model.rowsLoaded) continue;
      if (STATUS_RANK[status] <= STATUS_RANK[row.status]) return;
      const updated = { ...row, status };
      model.rows.set(messageId, updated);
      if (!recordedBy) work.messages.set(messageId, updated);
      summarizeChange(work, model, row, updated);
      this.changed(model.row.id);
      this.rowChanged(model, updated);
      return;
    }
  }

  /**
   * Folds the update log into the snapshot once it grew long, sealing and purging segments as
   * due (compaction.ts).
   */
  compactIfNeeded(model: ConversationModel, force = false): Promise<void> {
    return this.compaction.compactIfNeeded(model, force);
  }

  /** Reads the next older sealed segment into the timeline; false when there is none left. */
  readOlder(model: ConversationModel): Promise<boolean> {
    return this.compaction.readOlder(model);
  }

  /** Marks sealed messages for removal from their segments at the next compaction. */
  purgeSealed(model: ConversationModel, messageIds: Iterable<string>): void {
    this.compaction.purgeSealed(model, messageIds);
  }

  /**
   * Adds projection rows made outside the document (the sealed history of an imported archive,
   * history/archive-segments.ts), staged on `work`.
   */
  adoptRows(work: UnitOfWork, model: ConversationModel, rows: readonly MessageRow[]): void {
    for (const row of rows) {
      if (model.rows.has(row.id)) continue;
      model.rows.set(row.id, row);
      work.messages.set(row.id, row);
      this.rowChanged(model, row);
    }
    this.changed(model.row.id);
  }

  /**
   * The in-memory model of a conversation. Its document is built on first use, from what was
   * stored (read at first screen or with its rows: `documents`) or empty (a new conversation):
   * decoding a Yjs document costs about as much as all of a chat's list entry, and most chats
   * are never opened in a session.
   */
  private attach(row: ConversationRow, rowsLoaded: boolean): ConversationModel {
    let doc: ConversationDoc | undefined;
    // Read once and kept until a decode succeeds: a document that fails to decode fails again
    // on the next use rather than silently becoming an empty one.
    let document: StoredDocument | undefined;
    const load = (): ConversationDoc => {
      const stored = this.documents.get(row.id);
      // An empty document in place of a stored one would lose the chat's history on screen.
      if (!stored && !model.rowsLoaded)
        throw new Error(`conversation ${row.id} used before its rows were read (ensure)`);
      document ??= stored?.();
      const built = this.materialize(model, document);
      document = undefined;
      this.documents.delete(row.id);
      return built;
    };
    const history = new SealedHistory();
    const model: ConversationModel = {
      row,
      get doc(): ConversationDoc {
        doc ??= load();
        return doc;
      },
      get docLoaded(): boolean {
        return doc !== undefined;
      },
      rowsLoaded,
      history,
      timeline: () => history.timeline(model.doc.timeline()),
      rows: new Map(),
      typing: new Map(),
      logSeqs: [],
      logBytes: 0,
      staged: [],
      snapshotBytes: 0,
      compacting: false,
    };
    this.models.set(row.id, model);
    return model;
  }

  /** Builds the model's document from what was stored (a new conversation's starts empty). */
  private materialize(
    model: ConversationModel,
    stored: StoredDocument | undefined,
  ): ConversationDoc {
    const doc = new ConversationDoc(model.row.id);
    doc.onMessagesAdded((entries, origin) => this.project(model, entries, origin));
    if (!stored) return doc;
    // Replaying what was already projected: the rows exist, nothing changes for the views.
    this.replaying = true;
    try {
      applyStored(doc, stored);
    } finally {
      this.replaying = false;
    }
    model.snapshotBytes = stored.snapshot?.length ?? 0;
    for (const update of stored.updates) {
      model.logSeqs.push(update.seq as number);
      model.logBytes += update.update.length;
    }
    return doc;
  }

  private project(model: ConversationModel, entries: MessageEntry[], origin: unknown): void {
    // A document decoded before its rows were read (a group's title): they come from the store.
    if (!model.rowsLoaded) return;
    const self = this.selfAccountId();
    for (const entry of entries) {
      if (model.rows.has(entry.id)) continue;
      // Membership markers are rendered from the fold (facade/views.ts), never projected.
      if (entry.kind !== 'text') continue;
      const outgoing = entry.senderId === self;
      const status = this.receiptStatus.with(
        entry.id,
        origin === LOCAL_ORIGIN ? 'pending' : outgoing ? 'sent' : 'delivered',
      );
      const row = messageRow(entry, model.row.id, outgoing, status);
      model.rows.set(row.id, row);
      this.rowChanged(model, row);
      if (this.staging && !this.replaying) {
        this.staging.work.messages.set(row.id, row);
        summarizeChange(this.staging.work, model, undefined, row);
        if (!outgoing) this.staging.incoming.push(row);
        this.touch(this.staging.work, model, Math.max(entry.sentAt, model.row.updatedAt + 1));
      }
    }
    if (!this.replaying) this.changed(model.row.id);
  }
}
