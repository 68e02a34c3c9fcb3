import { ParleyError } from '../errors.js';
import type {
  ConversationView,
  SearchOptions,
  SearchResultGroup,
  SearchResults,
} from '../facade/api.js';
import type { MessageRow } from '../store/database.js';
import type { ConversationRepository } from '../store/repositories.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { highlightRanges } from './highlight.js';
import type { IndexChanges, SearchBackend, SearchDocument } from './search-document.js';
import { terms } from './tokenizer.js';

/** Longest query accepted, in characters (a query is typed, not pasted books). */
export const MAX_QUERY_LENGTH = 256;
/** Matching messages returned when the caller gives no limit. */
export const DEFAULT_RESULT_LIMIT = 200;
/** Documents sent to the index per request while catching up, so queries interleave. */
export const CATCH_UP_BATCH = 2_000;

export const SEARCH_START_MARK = 'parley:search-start';
export const SEARCH_READY_MARK = 'parley:search-ready';
/** The stored message ids are read (the rest of the catch-up is the index's restore). */
export const SEARCH_IDS_READ_MARK = 'parley:search-ids-read';
export const SEARCH_ENGINE_MEASURE = 'parley:search-engine';

export interface MessageSearchDeps {
  backend: SearchBackend;
  /** The stored rows, which the catch-up pages through (queries read none: IndexHit). */
  store: Pick<ConversationRepository, 'messagesAfter' | 'loadMessages'>;
  /** The chat list as the facade shows it (titles). */
  conversationList(): readonly ConversationView[];
  usernameOf(accountId: string): string;
  /** The sender's name as `conversationId` shows it (MessageView.senderName). */
  nameOf(accountId: string, conversationId: string): string;
  onError(error: unknown): void;
}

const hasText = (row: MessageRow) => row.body.trim() !== '';

/** Whether messageDocuments(row) gives any document (deleted and hidden rows aside): no copies. */
const hasDocuments = (row: MessageRow) =>
  hasText(row) || (row.attachments ?? []).some((attachment) => attachment.fileName);

/**
 * The documents of a projected message: its text, and the name of each attached file that has
 * one. None for what is not searched (system entries, deleted or hidden messages).
 */
export function messageDocuments(row: MessageRow): SearchDocument[] {
  if (row.kind !== 'text' || row.deleted || row.hidden) return [];
  const common = {
    messageId: row.id,
    conversationId: row.conversationId,
    sentAt: row.sentAt,
    senderId: row.senderId,
    outgoing: row.outgoing,
  };
  const documents: SearchDocument[] = hasText(row)
    ? [{ ...common, id: row.id, kind: 'message', text: row.body }]
    : [];
  (row.attachments ?? []).forEach((attachment, n) => {
    if (attachment.fileName)
      documents.push({
        ...common,
        id: `${row.id}/file/${n}`,
        kind: 'file',
        text: attachment.fileName,
      });
  });
  return documents;
}

/**
 * The messenger's side of search: feeds the index (in a worker in the browser) from every
 * committed unit of work, catches it up with the stored messages at start, and turns its hits into
 * results grouped by chat with highlight ranges. Chat names are matched here, against the chat
 * list: there are few of them and their titles change as usernames are learned.
 */
export class MessageSearch {
  /** Every index request goes through this chain: restore first, then changes in commit order. */
  private queue: Promise<unknown>;

  constructor(private readonly deps: MessageSearchDeps) {
    this.queue = Promise.resolve();
  }

  /** Restores the persisted index and indexes the stored messages it misses. Resolves when done. */
  start(): Promise<void> {
    // A thread without an index (a service worker) reads nothing: the index's thread catches up.
    if (this.deps.backend.deferred) return Promise.resolve();
    return this.enqueue(async () => {
      // Benchmarks read these marks (apps/web/bench/search-bench.ts): how long the catch-up took.
      performance.mark(SEARCH_START_MARK);
      // The stored rows page by page (0821): only their ids are held, never every row.
      const ids: string[] = [];
      const gone: string[] = [];
      for (let page = await this.deps.store.messagesAfter(undefined, CATCH_UP_BATCH); ;) {
        for (const row of page) {
          if (row.kind !== 'text') continue;
          if (row.deleted || row.hidden) gone.push(row.id);
          // The catch-up reads every stored row: it asks, without building the documents.
          else if (hasDocuments(row)) ids.push(row.id);
        }
        if (page.length < CATCH_UP_BATCH) break;
        page = await this.deps.store.messagesAfter(page.at(-1)?.id, CATCH_UP_BATCH);
      }
      performance.mark(SEARCH_IDS_READ_MARK);
      const report = await this.deps.backend.restore(ids);
      // A deletion committed while the saved index lagged behind: drop what it still holds.
      if (gone.length > 0) await this.deps.backend.apply({ remove: gone });
      for (let i = 0; i < report.missing.length; i += CATCH_UP_BATCH) {
        const rows = await this.deps.store.loadMessages(
          report.missing.slice(i, i + CATCH_UP_BATCH),
        );
        // A row deleted meanwhile is simply not there; its removal was applied in commit order.
        const add = rows.flatMap(messageDocuments);
        if (add.length > 0) await this.deps.backend.apply({ add });
      }
      performance.mark(SEARCH_READY_MARK, {
        detail: { restored: report.restored, added: report.missing.length },
      });
    });
  }

  /**
   * Hook: after a unit of work committed, index the messages it stored: new ones added, edited
   * ones replaced, deleted (for everyone or for me) ones removed (rich/).
   */
  committed(work: UnitOfWork): void {
    const add: SearchDocument[] = [];
    const update: SearchDocument[] = [];
    const remove: string[] = [];
    for (const row of work.messages.values()) {
      if (row.kind !== 'text') continue;
      const documents = messageDocuments(row);
      if (documents.length === 0) remove.push(row.id);
      else if (row.editedAt !== undefined) update.push(...documents);
      else add.push(...documents);
    }
    if (add.length + update.length + remove.length === 0) return;
    void this.apply({
      ...(add.length > 0 ? { add } : {}),
      ...(update.length > 0 ? { update } : {}),
      ...(remove.length > 0 ? { remove } : {}),
    }).catch((error) => this.deps.onError(error));
  }

  /** Changes beyond committed rows (declined requests, disappearing messages). */
  apply(changes: IndexChanges): Promise<void> {
    return this.enqueue(() => this.deps.backend.apply(changes));
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    if (query.length > MAX_QUERY_LENGTH)
      throw new ParleyError('INVALID_QUERY', `a query has at most ${MAX_QUERY_LENGTH} characters`);
    if (this.deps.backend.deferred)
      throw new ParleyError('SEARCH_UNAVAILABLE', 'search runs where the index is kept');
    const queryTerms = terms(query);
    if (queryTerms.length === 0) return { query, chats: [], groups: [] };
    const limit = options.limit ?? DEFAULT_RESULT_LIMIT;
    const hits = await this.enqueue(async () => {
      const asked = performance.now();
      const found = await this.deps.backend.query({
        text: query,
        limit,
        ...(options.conversationId !== undefined ? { conversationId: options.conversationId } : {}),
      });
      // The index's own time, worker round trip included (benchmarks report it beside paint).
      // Only the latest is kept: a session types many queries.
      performance.clearMeasures(SEARCH_ENGINE_MEASURE);
      performance.measure(SEARCH_ENGINE_MEASURE, { start: asked, detail: query });
      return found;
    });
    const list = this.deps.conversationList();
    const byId = new Map(list.map((view) => [view.id, view]));
    const groups = new Map<string, SearchResultGroup>();
    const shown = new Set<string>();
    for (const hit of hits) {
      const view = byId.get(hit.conversationId);
      // One result per message, though its text and a file name may both match.
      if (!view || shown.has(hit.messageId)) continue;
      shown.add(hit.messageId);
      let group = groups.get(hit.conversationId);
      if (!group) {
        group = { conversationId: view.id, kind: view.kind, title: view.title, messages: [] };
        groups.set(view.id, group);
      }
      group.messages.push({
        messageId: hit.messageId,
        conversationId: hit.conversationId,
        senderUsername: this.deps.usernameOf(hit.senderId),
        senderName: this.deps.nameOf(hit.senderId, hit.conversationId),
        sentAt: hit.sentAt,
        outgoing: hit.outgoing,
        text: hit.text,
        inFileName: hit.kind === 'file',
        highlights: highlightRanges(hit.text, queryTerms),
      });
    }
    const chats =
      options.conversationId === undefined
        ? list.flatMap((view) => {
            const highlights = highlightRanges(view.title, queryTerms);
            const all = queryTerms.every((term) =>
              terms(view.title).some((word) => word.startsWith(term)),
            );
            return all
              ? [{ conversationId: view.id, kind: view.kind, title: view.title, highlights }]
              : [];
          })
        : [];
    return { query, chats, groups: [...groups.values()] };
  }

  /** Writes the index now (tests; the index otherwise saves itself a while after changes). */
  flush(): Promise<void> {
    return this.enqueue(() => this.deps.backend.flush());
  }

  close(): Promise<void> {
    return this.enqueue(() => this.deps.backend.close());
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
