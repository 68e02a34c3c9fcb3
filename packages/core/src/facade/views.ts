import { mayBeGroupRow, type ConversationModel } from '../conversations/conversations.js';
import type { MessagePreview, MessageRow, PendingGroupMessageRow } from '../store/database.js';
import { compareRows, isUnread, lastRow, previewOf } from '../conversations/summary.js';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import { isMessageRequest } from '../requests/request-state.js';
import { orderKey } from '../conversations/timeline-order.js';
import type { ConversationView, MessageView } from './api.js';
import { isTimerSeconds } from '../disappearing/chat-timer.js';
import { describeTimerChange } from '../disappearing/timers.js';
import type { RichState } from '../rich/rich-fold.js';
import type { Profile } from '../profiles/profile.js';
import { quoteView, reactionViews } from '../rich/rich-views.js';

/** Read-only projections of the conversation models into the facade's view objects. */

export interface ViewContext {
  selfAccountId: string;
  usernameOf(accountId: string, model: ConversationModel): string;
  /** A member as shown: the name the user gave, else their profile's name, else the username. */
  nameOf(accountId: string, model: ConversationModel): string;
  now: number;
  /** A group's title and member count (its fold); undefined for other conversations. */
  group?(model: ConversationModel): { title: string; memberCount: number } | undefined;
  /** The system line of a membership marker, or undefined when the fold ignored its op. */
  membershipLine?(model: ConversationModel, entry: MessageEntry): string | undefined;
  /** Group messages kept until their sender key arrives (groups/pending-group-messages.ts). */
  placeholders?(model: ConversationModel): readonly PendingGroupMessageRow[];
  /** The chat's disappearing timer in seconds, 0 when off (disappearing/). */
  disappearingSeconds?(model: ConversationModel): number;
  /** The folded reactions, edits and deletions by message id (rich/). */
  rich?(model: ConversationModel): ReadonlyMap<string, RichState>;
  /** Message requests accepted on any device of the account (account-settings/). */
  acceptedRequests?: readonly string[];
  /** The names the user gave contacts (account-settings/): a chat's title before the username. */
  contactNames?: Readonly<Record<string, string>>;
  /** A contact's decrypted profile (profiles/): its name comes after the name the user gave. */
  profileOf?(accountId: string): Profile | undefined;
}

/** What a chat list preview shows of a message deleted for everyone. */
export const DELETED_MESSAGE_TEXT = 'This message was deleted';

/**
 * The rows that are shown without a document entry of their own, in key order: local system
 * entries, opened view-once messages (they left the document: disappearing/), and tombstones
 * (rich/: a delete for everyone redacts the entry, which may then leave the document). Read from
 * every row of the chat once per change of it (TimelineViews keeps them), not once per page.
 */
export interface LocalRows {
  rows: readonly MessageRow[];
  /** Whether any is a tombstone: those whose entry is still in the timeline are shown by it. */
  anyDeleted: boolean;
}

export function localRowsOf(model: ConversationModel): LocalRows {
  const rows = [...model.rows.values()]
    .filter((row) => row.kind === 'system' || row.viewOnceOpened || row.deleted)
    .sort((a, b) => localKey(a) - localKey(b));
  return { rows, anyDeleted: rows.some((row) => row.deleted) };
}

/** Entries `[from, to)` of a timeline; `live`: the rows after its last entry belong to it too. */
export interface TimelineSlice {
  timeline: readonly MessageEntry[];
  from: number;
  to: number;
  live: boolean;
}

/**
 * The views of a slice of the conversation's timeline: its document entries with the local rows
 * and placeholders that fall among them. A row without an entry belongs to the slice holding the
 * first entry at or after its key, so adjacent slices share none. `reuse` holds views already
 * built for entries (by entry id, null for an entry that shows nothing) since the conversation
 * last changed: those are not built again, and every view built is added to it.
 */
export function sliceViews(
  model: ConversationModel,
  context: ViewContext,
  slice: TimelineSlice,
  locals: LocalRows,
  reuse: Map<string, MessageView | null>,
): MessageView[] {
  const { timeline, from, to } = slice;
  const entries = timeline.slice(from, to);
  const after = from > 0 ? orderKey(timeline[from - 1]!) : -Infinity;
  const upTo = slice.live ? Infinity : to > 0 ? orderKey(timeline[to - 1]!) : -Infinity;
  const inSlice = (key: number) => key > after && key <= upTo;
  // A tombstone whose entry is in this slice is shown by the entry (its key is in no other).
  const inTimeline = locals.anyDeleted && new Set(entries.map((entry) => entry.id));
  const system = locals.rows.filter(
    (row) =>
      inSlice(localKey(row)) &&
      (row.kind === 'system' || row.viewOnceOpened || (inTimeline && !inTimeline.has(row.id))),
  );
  const placeholders = (context.placeholders?.(model) ?? []).filter((row) =>
    inSlice(row.receivedAt),
  );
  const views: MessageView[] = [];
  let rich: ReadonlyMap<string, RichState> | undefined | null = null;
  let nextSystem = 0;
  let nextPlaceholder = 0;
  for (const entry of entries) {
    // Local system entries and placeholders (not in the shared document) slot in by time.
    while (nextSystem < system.length && localKey(system[nextSystem]!) <= orderKey(entry)) {
      views.push(toView(system[nextSystem++] as MessageRow, model, context));
    }
    while (
      nextPlaceholder < placeholders.length &&
      (placeholders[nextPlaceholder]?.receivedAt ?? 0) <= orderKey(entry)
    ) {
      views.push(placeholderView(placeholders[nextPlaceholder++]!, model, context));
    }
    let view = reuse.get(entry.id);
    if (view === undefined) {
      if (rich === null) rich = context.rich?.(model);
      view = entryView(entry, model, context, rich);
      reuse.set(entry.id, view);
    }
    if (view) views.push(view);
  }
  while (nextSystem < system.length)
    views.push(toView(system[nextSystem++] as MessageRow, model, context));
  while (nextPlaceholder < placeholders.length)
    views.push(placeholderView(placeholders[nextPlaceholder++]!, model, context));
  return views;
}

/** The views of the conversation's whole timeline in memory (tests, and callers that read it all). */
export function messageViews(model: ConversationModel, context: ViewContext): MessageView[] {
  const timeline = model.timeline();
  const slice = { timeline, from: 0, to: timeline.length, live: true };
  return sliceViews(model, context, slice, localRowsOf(model), new Map());
}

/** What one document entry shows: a bubble, a system line, or nothing (null). */
function entryView(
  entry: MessageEntry,
  model: ConversationModel,
  context: ViewContext,
  rich: ReadonlyMap<string, RichState> | undefined,
): MessageView | null {
  if (entry.kind === 'timer') return timerView(entry, model, context);
  if (entry.kind === 'membership') {
    const line = context.membershipLine?.(model, entry);
    return line ? membershipView(entry, model, line) : null;
  }
  const row = model.rows.get(entry.id);
  return row && !row.hidden ? toView(row, model, context, rich) : null;
}

/**
 * A first-screen model's timeline (docs/decisions/0820): its page of newest rows in timeline
 * order, without the document (not read yet), so reactions and membership lines wait for the
 * whole load that replaces it moments later.
 */
export function pageViews(model: ConversationModel, context: ViewContext): MessageView[] {
  return [...model.rows.values()]
    .filter((row) => !row.hidden)
    .sort((a, b) => compareRows(a, b))
    .map((row) => toView(row, model, context));
}

/** Where a row that is not in the document's timeline goes (system entries, tombstones). */
function localKey(row: MessageRow): number {
  return row.orderKey ?? row.sentAt;
}

/** A message that did not decrypt yet: its sender and place, no content, no id of its own. */
function placeholderView(
  row: PendingGroupMessageRow,
  model: ConversationModel,
  context: ViewContext,
): MessageView {
  return {
    id: `placeholder:${row.key}`,
    conversationId: model.row.id,
    senderId: row.senderId,
    senderUsername: context.usernameOf(row.senderId, model),
    senderName: context.nameOf(row.senderId, model),
    senderDeviceId: row.senderDeviceId,
    sentAt: row.receivedAt,
    body: '',
    kind: 'placeholder',
    status: 'delivered',
    outgoing: row.senderId === context.selfAccountId,
  };
}

function membershipView(entry: MessageEntry, model: ConversationModel, line: string): MessageView {
  return {
    id: entry.id,
    conversationId: model.row.id,
    senderId: entry.senderId,
    senderUsername: '',
    senderName: '',
    senderDeviceId: entry.senderDeviceId,
    sentAt: entry.sentAt,
    body: line,
    kind: 'system',
    status: 'read',
    outgoing: false,
  };
}

/** A direct chat's timer change, as a system line ("You set disappearing messages to 1 hour"). */
function timerView(
  entry: MessageEntry,
  model: ConversationModel,
  context: ViewContext,
): MessageView {
  const by =
    entry.senderId === context.selfAccountId ? 'You' : context.nameOf(entry.senderId, model);
  const seconds = isTimerSeconds(entry.timerSeconds) ? entry.timerSeconds : 0;
  return membershipView(entry, model, describeTimerChange(by, seconds));
}

function toView(
  row: MessageRow,
  model: ConversationModel,
  context: ViewContext,
  rich?: ReadonlyMap<string, RichState>,
): MessageView {
  const reactions = row.deleted ? [] : reactionViews(rich?.get(row.id), model, context);
  return {
    id: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    senderUsername: row.kind === 'system' ? '' : context.usernameOf(row.senderId, model),
    senderName: row.kind === 'system' ? '' : context.nameOf(row.senderId, model),
    senderDeviceId: row.senderDeviceId,
    sentAt: row.sentAt,
    body: row.body,
    kind: row.kind,
    status: row.status,
    outgoing: row.outgoing,
    ...(row.attachments ? { attachments: row.attachments } : {}),
    ...(row.disappearingSeconds ? { disappearingSeconds: row.disappearingSeconds } : {}),
    ...viewOnceOf(row),
    ...(row.replyTo ? { replyTo: quoteView(row.replyTo, model, context) } : {}),
    ...(reactions.length > 0 ? { reactions } : {}),
    ...(row.editedAt !== undefined && !row.deleted ? { edited: true } : {}),
    ...(row.deleted ? { deleted: true } : {}),
    ...(row.forwarded ? { forwarded: true } : {}),
    ...(row.call ? { call: row.call } : {}),
  };
}

function viewOnceOf(row: MessageRow): Pick<MessageView, 'viewOnce'> {
  if (row.viewOnceOpened) return { viewOnce: 'opened' };
  return row.attachments?.some((pointer) => pointer.viewOnce) ? { viewOnce: 'unopened' } : {};
}

/**
 * The conversation's last message: the last text entry of the timeline, the very order
 * messageViews shows, so the chat list's preview always matches the conversation's last bubble.
 * A conversation whose document was not decoded yet (decoded on first use, conversations.ts)
 * is ordered from its projection rows, which carry the same timeline key.
 */
function lastMessageRow(model: ConversationModel): MessageRow | undefined {
  if (!model.docLoaded) return lastRow(model.rows.values());
  const timeline = model.doc.timeline();
  for (let i = timeline.length - 1; i >= 0; i--) {
    const row = model.rows.get((timeline[i] as MessageEntry).id);
    if (row?.kind === 'text' && !row.hidden) return row;
  }
  return undefined;
}

/**
 * The unread count and last message the chat list shows: from the rows when they are loaded,
 * else from the summary kept with them (ConversationRow.summary, 0821).
 */
function listedOf(model: ConversationModel): { unread: number; last: MessagePreview | undefined } {
  const summary = model.row.summary;
  if (!model.rowsLoaded && summary) return { unread: summary.unread, last: summary.last };
  let unread = 0;
  for (const row of model.rows.values()) if (isUnread(row)) unread++;
  const last = lastMessageRow(model);
  return { unread, last: last && previewOf(last) };
}

/** Whether the conversation may be a group, without decoding a direct chat's document. */
function mayBeGroup(model: ConversationModel): boolean {
  return model.docLoaded || mayBeGroupRow(model.row);
}

export function conversationView(model: ConversationModel, context: ViewContext): ConversationView {
  const { unread: unreadCount, last } = listedOf(model);
  const peer = model.row.peerAccountId;
  const peerUsername = peer ? context.usernameOf(peer, model) : undefined;
  const typing = [...model.typing.entries()]
    .filter(([, expiresAt]) => expiresAt > context.now)
    .map(([accountId]) => context.usernameOf(accountId, model));
  const group = mayBeGroup(model) ? context.group?.(model) : undefined;
  const profile = peer ? context.profileOf?.(peer) : undefined;
  const request = isMessageRequest(model, context.acceptedRequests ?? []);
  const inviter = request ? model.row.invitedBy : undefined;
  return {
    id: model.row.id,
    kind: model.row.kind,
    // As in Signal: the name the user gave wins over the name the contact gave themself.
    title:
      (peer && context.contactNames?.[peer]) ||
      profile?.name ||
      (peerUsername ?? (group?.title || 'Group')),
    ...(profile?.avatar ? { avatar: profile.avatar } : {}),
    ...(group ? { memberCount: group.memberCount } : {}),
    ...(peerUsername ? { peerUsername } : {}),
    ...(peer ? { peerAccountId: peer } : {}),
    ...(last
      ? {
          lastMessage: {
            body: last.deleted ? DELETED_MESSAGE_TEXT : last.body,
            sentAt: last.sentAt,
            outgoing: last.outgoing,
            status: last.status,
            ...(last.attachment && !last.deleted ? { attachment: last.attachment } : {}),
          },
        }
      : {}),
    unreadCount,
    updatedAt: model.row.updatedAt,
    typing,
    ...(request ? { request: true } : {}),
    ...(inviter ? { invitedBy: context.usernameOf(inviter, model) } : {}),
    ...(model.row.peerGone ? { peerDeleted: true } : {}),
    ...timerOfChat(model, context),
  };
}

function timerOfChat(
  model: ConversationModel,
  context: ViewContext,
): { disappearingSeconds?: number } {
  const seconds = context.disappearingSeconds?.(model) ?? 0;
  return seconds > 0 ? { disappearingSeconds: seconds } : {};
}
