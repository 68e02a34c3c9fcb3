import * as Y from 'yjs';
import type { AttachmentPointer } from '../media/attachment-pointer.js';
import { diffWithoutDeletionsOf } from '../history/local-deletions.js';
import { stampOrder, TimelineIndex } from './timeline-order.js';

/**
 * The schema of one conversation's Yjs document. The rest of core reads and writes documents
 * only through this module.
 *
 * - `meta` (Y.Map): `kind` ('direct' | 'group'), `createdAt` (ms); later `title`, `avatar`,
 *   `disappearingSeconds`.
 * - `members` (Y.Map): account id -> { username, role: 'member' | 'admin' }.
 * - `messages` (Y.Array): one immutable plain object per message (MessageEntry), appended with
 *   `insert(length, ...)`: `push` walks the whole list on long arrays (decision 0303: 83 s vs
 *   0.5 s for 100,000 appends), and a plain value costs ~100 bytes where a Y.Map costs ~2.3 KB.
 * - What changes after sending lives in side maps keyed by message id, so the message itself stays
 *   immutable: `reactions`, `edits`, `deletions`, each op id -> one signed op (rich/rich-op.ts).
 * - `disappearing` (Y.Map, direct chats; groups keep theirs in the membership log): timer-change
 *   entry id -> { seconds, hlc }. The setting in force is the value of the last change in
 *   timeline order, the very entry the timeline shows last (disappearing/chat-timer.ts).
 * - `joins` (Y.Map, groups): account id -> the state vector before it was added, when it was added
 *   without the history before (groups/history-boundary.ts). Its copy of that history holds
 *   `null` in place of each entry: such entries are no messages and are skipped here.
 *
 * Yjs updates are idempotent and commutative: applying an update twice or out of order yields the
 * same document. The array's order is not the one shown: the timeline sorts entries by their
 * `hlc` (timeline-order.ts), which every device computes alike and which follows the authors'
 * clocks for messages written concurrently.
 */

export type ConversationKind = 'direct' | 'group';

export interface MessageEntry {
  id: string;
  /**
   * 'membership': a timeline marker for the group membership op `opId` (groups/): shown as a
   * system line ("A added B") only when the fold applied that op, so nobody can forge one.
   */
  kind: 'text' | 'membership' | 'timer';
  senderId: string;
  senderDeviceId: number;
  /** Author's clock when sent (ms since epoch). */
  sentAt: number;
  /**
   * Hybrid logical timestamp that places the entry in the timeline (timeline-order.ts), stamped
   * by appendMessages; absent on entries written before it existed (their sentAt stands in).
   */
  hlc?: number;
  body: string;
  /** Id of the message this one replies to (rich/: the quote is looked up, never copied). */
  replyTo?: string;
  /** Forwarded from another chat (rich/): shown as "Forwarded". */
  forwarded?: boolean;
  /** For 'membership' entries: the op they announce. */
  opId?: string;
  /** Encrypted files sent with the message (media/); `body` is then their caption. */
  attachments?: AttachmentPointer[];
  /**
   * The chat's disappearing timer when the message was sent (disappearing/): it expires that
   * long after it was read (or sent, for its author's devices). Absent: it never expires.
   */
  disappearingSeconds?: number;
  /** For 'timer' entries: the timer the author set (0 is off). */
  timerSeconds?: number;
}

/** A timer change as the `disappearing` map holds it. */
export interface TimerChange {
  seconds: number;
  hlc: number;
}

export interface Member {
  username: string;
  role: 'member' | 'admin';
}

/** Transaction origin of changes made on this device (as opposed to applied remote updates). */
export const LOCAL_ORIGIN = 'local';
export const REMOTE_ORIGIN = 'remote';
/** Origin of a seal (history/): a removal that stays on this device, never logged nor sent. */
export const SEALED_ORIGIN = 'sealed';

export class ConversationDoc {
  readonly doc = new Y.Doc();
  private readonly meta = this.doc.getMap<unknown>('meta');
  private readonly members = this.doc.getMap<Member>('members');
  private readonly messageList = this.doc.getArray<MessageEntry>('messages');
  readonly reactions = this.doc.getMap<unknown>('reactions');
  readonly edits = this.doc.getMap<unknown>('edits');
  readonly deletions = this.doc.getMap<unknown>('deletions');
  readonly timerChanges = this.doc.getMap<TimerChange>('disappearing');
  private readonly timelineIndex = new TimelineIndex();
  private readonly addedListeners: Array<(entries: MessageEntry[], origin: unknown) => void> = [];

  constructor(readonly id: string) {
    this.messageList.observe((_event, transaction) => {
      const added = this.entriesAddedBy(transaction);
      if (added.length === 0) return;
      this.timelineIndex.add(added);
      for (const listener of this.addedListeners) listener(added, transaction.origin);
    });
  }

  get kind(): ConversationKind | undefined {
    const kind = this.meta.get('kind');
    return kind === 'direct' || kind === 'group' ? kind : undefined;
  }

  memberList(): Array<[accountId: string, member: Member]> {
    return [...this.members.entries()];
  }

  /** The entries in the document's array order (the Yjs merge order, not the timeline's). */
  messages(): MessageEntry[] {
    return this.messageList.toArray().filter(isEntry);
  }

  /** The entries in timeline order, as every device shows them (timeline-order.ts). Read-only. */
  timeline(): readonly MessageEntry[] {
    return this.timelineIndex.entries;
  }

  get messageCount(): number {
    return this.messageList.length;
  }

  /** Sets up a direct conversation; both sides may do it concurrently and converge. */
  initDirect(
    a: { accountId: string; username: string },
    b: { accountId: string; username: string },
  ): void {
    this.doc.transact(() => {
      if (this.meta.get('kind') === undefined) {
        this.meta.set('kind', 'direct');
        this.meta.set('createdAt', Date.now());
      }
      for (const { accountId, username } of [a, b]) {
        if (!this.members.has(accountId)) this.members.set(accountId, { username, role: 'member' });
      }
    }, LOCAL_ORIGIN);
  }

  /**
   * Marks the document a group's and names members for display (usernames). Who is a member is
   * decided by the membership log alone (groups/membership-log.ts), never by this map.
   */
  initGroup(members: ReadonlyArray<{ accountId: string; username: string }>): void {
    this.doc.transact(() => {
      if (this.meta.get('kind') === undefined) {
        this.meta.set('kind', 'group');
        this.meta.set('createdAt', Date.now());
      }
      for (const { accountId, username } of members) {
        if (!this.members.has(accountId)) this.members.set(accountId, { username, role: 'member' });
      }
    }, LOCAL_ORIGIN);
  }

  /** Every value of the rich-op side maps, unparsed (rich/ checks and folds them). */
  richOpValues(): unknown[] {
    return [...this.reactions.values(), ...this.edits.values(), ...this.deletions.values()];
  }

  /** Writes a signed rich op into its side map (rich/rich-op.ts), keyed by its id. */
  writeRichOp(op: { id: string; kind: 'react' | 'edit' | 'delete' }): void {
    const map =
      op.kind === 'react' ? this.reactions : op.kind === 'edit' ? this.edits : this.deletions;
    this.doc.transact(() => map.set(op.id, op), LOCAL_ORIGIN);
  }

  /**
   * Removes the entries of `messageIds` from the document (a delete for everyone, rich/), with
   * their edits and reactions: Yjs drops a deleted item's content when the transaction ends (gc),
   * so their text and attachment pointers leave this document; its next snapshot
   * (Conversations.compactIfNeeded) holds none of it. The deletions stay (they justify this on
   * every device). The timeline keeps an empty stub in each one's place. Returns whether anything
   * was removed.
   */
  redactMessages(messageIds: ReadonlySet<string>): boolean {
    const indexes: number[] = [];
    this.messageList.forEach((entry, index) => {
      if (entry && messageIds.has(entry.id)) indexes.push(index);
    });
    const names = (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      messageIds.has((value as { messageId?: unknown }).messageId as string);
    const ops = [this.edits, this.reactions].flatMap((map) =>
      [...map.entries()].filter(([, value]) => names(value)).map(([key]) => ({ map, key })),
    );
    if (indexes.length === 0 && ops.length === 0) return false;
    this.doc.transact(() => {
      for (const index of indexes.reverse()) this.messageList.delete(index, 1);
      for (const { map, key } of ops) map.delete(key);
    }, LOCAL_ORIGIN);
    this.timelineIndex.redact(messageIds);
    return true;
  }

  appendMessage(entry: MessageEntry): void {
    this.appendMessages([entry]);
  }

  /**
   * Appends entries in order, in one transaction (one update, one observer call), each stamped
   * with its timeline position after everything this document holds.
   */
  appendMessages(entries: MessageEntry[]): void {
    const stamped = stampOrder(entries, this.timelineIndex.latestKey);
    this.doc.transact(
      () => this.messageList.insert(this.messageList.length, stamped),
      LOCAL_ORIGIN,
    );
  }

  /**
   * Appends a disappearing-timer change (a 'timer' entry, shown as a system line) and records it
   * in the `disappearing` map, in one transaction.
   */
  appendTimerChange(entry: MessageEntry & { timerSeconds: number }): void {
    const [stamped] = stampOrder([entry], this.timelineIndex.latestKey) as [MessageEntry];
    this.doc.transact(() => {
      this.messageList.insert(this.messageList.length, [stamped]);
      this.timerChanges.set(stamped.id, { seconds: entry.timerSeconds, hlc: stamped.hlc ?? 0 });
    }, LOCAL_ORIGIN);
  }

  /**
   * Deletes entries from this device's document (expired disappearing messages, opened
   * view-once media): Yjs garbage-collects their content, so the next snapshot no longer holds
   * their text or keys. Callers capture the update for local storage only and never send it.
   */
  purgeMessages(ids: ReadonlySet<string>): void {
    this.deleteEntries(ids, LOCAL_ORIGIN);
  }

  /**
   * Removes entries sealed into a segment (history/seal.ts) from the live document, through
   * SEALED_ORIGIN: the removal is written into the next snapshot only, and diffSince never
   * carries it to other devices (they keep their copies).
   */
  removeSealed(ids: ReadonlySet<string>): void {
    this.deleteEntries(ids, SEALED_ORIGIN);
  }

  /** Deletes the entries of `ids`, one range per run of neighbours in the array. */
  private deleteEntries(ids: ReadonlySet<string>, origin: string): void {
    if (ids.size === 0) return;
    const runs: Array<[start: number, length: number]> = [];
    this.messageList.forEach((entry, index) => {
      if (!entry || !ids.has(entry.id)) return;
      const last = runs[runs.length - 1];
      if (last && last[0] + last[1] === index) last[1]++;
      else runs.push([index, 1]);
    });
    this.doc.transact(() => {
      for (let i = runs.length - 1; i >= 0; i--) this.messageList.delete(...runs[i]!);
    }, origin);
    this.timelineIndex.remove(ids);
  }

  /**
   * Calls back with the entries appended by each transaction, with the transaction's origin;
   * timeline() already holds them.
   */
  onMessagesAdded(listener: (entries: MessageEntry[], origin: unknown) => void): void {
    this.addedListeners.push(listener);
  }

  /**
   * The message entries a transaction added, read from the structs it created (each client's
   * clocks between the transaction's before- and after-state). YEvent.changes would walk the
   * whole array on every transaction: O(messages) per sent message or received batch.
   */
  private entriesAddedBy(transaction: Y.Transaction): MessageEntry[] {
    const added: MessageEntry[] = [];
    for (const [client, after] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0;
      const structs = this.doc.store.clients.get(client);
      if (after <= before || !structs) continue;
      for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
        const item = structs[i];
        if (
          !(item instanceof Y.Item) ||
          item.deleted ||
          item.parent !== this.messageList ||
          !(item.content instanceof Y.ContentAny)
        ) {
          continue;
        }
        // An item older than the transaction may have been split at its first new clock only.
        // getContent() is the item's own array, which later appends extend in place
        // (patches/yjs+13.6.33.patch): copy what is kept, never hold on to it.
        const entries = item.content.getContent() as MessageEntry[];
        added.push(...entries.slice(Math.max(0, before - item.id.clock)).filter(isEntry));
      }
    }
    return added;
  }

  applyRemoteUpdate(update: Uint8Array): void {
    Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
  }

  /**
   * Applies several remote updates in ONE Yjs transaction, so observers, the projection and the
   * 'update' event run once for the lot instead of once per update (a drained backlog of
   * thousands of messages). An update that fails to decode is reported through `invalid` and the
   * others still apply, as they would one by one.
   */
  applyRemoteUpdates(
    updates: readonly Uint8Array[],
    invalid: (index: number, error: unknown) => void,
  ): void {
    this.doc.transact(() => {
      for (const [index, update] of updates.entries()) {
        try {
          Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
        } catch (error) {
          invalid(index, error);
        }
      }
    }, REMOTE_ORIGIN);
  }

  /** Updates whose dependencies have not arrived yet: this device missed something. */
  get hasMissingUpdates(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  stateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /**
   * What a peer with `stateVector` misses (y-protocols sync step 2), without this device's
   * removals of entries (sealed, purged, redacted: each device makes its own).
   */
  diffSince(stateVector: Uint8Array): Uint8Array {
    return diffWithoutDeletionsOf(this.doc, this.messageList, stateVector);
  }

  snapshot(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }
}

/** Entries redacted away from a member added later are null (groups/history-boundary.ts). */
function isEntry(entry: MessageEntry | null): entry is MessageEntry {
  return entry !== null;
}
