import type { ConversationModel } from '../conversations/conversations.js';
import type { MessageRow, PendingGroupMessageRow } from '../store/database.js';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import { isMessageRequest } from '../requests/request-state.js';
import { orderKey } from '../conversations/timeline-order.js';
import type { ConversationView, MessageView } from './api.js';

/** Read-only projections of the conversation models into the facade's view objects. */

export interface ViewContext {
  selfAccountId: string;
  usernameOf(accountId: string, model: ConversationModel): string;
  now: number;
  /** A group's title and member count (its fold); undefined for other conversations. */
  group?(model: ConversationModel): { title: string; memberCount: number } | undefined;
  /** The system line of a membership marker, or undefined when the fold ignored its op. */
  membershipLine?(model: ConversationModel, entry: MessageEntry): string | undefined;
  /** Group messages kept until their sender key arrives (groups/pending-group-messages.ts). */
  placeholders?(model: ConversationModel): readonly PendingGroupMessageRow[];
}

export function messageViews(model: ConversationModel, context: ViewContext): MessageView[] {
  const system = [...model.rows.values()]
    .filter((row) => row.kind === 'system')
    .sort((a, b) => a.sentAt - b.sentAt);
  const placeholders = context.placeholders?.(model) ?? [];
  const views: MessageView[] = [];
  let nextSystem = 0;
  let nextPlaceholder = 0;
  for (const entry of model.doc.timeline()) {
    // Local system entries and placeholders (not in the shared document) slot in by time.
    while (nextSystem < system.length && (system[nextSystem]?.sentAt ?? 0) <= orderKey(entry)) {
      views.push(toView(system[nextSystem++] as MessageRow, model, context));
    }
    while (
      nextPlaceholder < placeholders.length &&
      (placeholders[nextPlaceholder]?.receivedAt ?? 0) <= orderKey(entry)
    ) {
      views.push(placeholderView(placeholders[nextPlaceholder++]!, model, context));
    }
    if (entry.kind === 'membership') {
      const line = context.membershipLine?.(model, entry);
      if (line) views.push(membershipView(entry, model, line));
      continue;
    }
    const row = model.rows.get(entry.id);
    if (row) views.push(toView(row, model, context));
  }
  while (nextSystem < system.length)
    views.push(toView(system[nextSystem++] as MessageRow, model, context));
  while (nextPlaceholder < placeholders.length)
    views.push(placeholderView(placeholders[nextPlaceholder++]!, model, context));
  return views;
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
    senderDeviceId: entry.senderDeviceId,
    sentAt: entry.sentAt,
    body: line,
    kind: 'system',
    status: 'read',
    outgoing: false,
  };
}

function toView(row: MessageRow, model: ConversationModel, context: ViewContext): MessageView {
  return {
    id: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    senderUsername: row.kind === 'system' ? '' : context.usernameOf(row.senderId, model),
    senderDeviceId: row.senderDeviceId,
    sentAt: row.sentAt,
    body: row.body,
    kind: row.kind,
    status: row.status,
    outgoing: row.outgoing,
    ...(row.attachments ? { attachments: row.attachments } : {}),
    ...(row.call ? { call: row.call } : {}),
  };
}

/**
 * The conversation's last message: the last text entry of the timeline, the very order
 * messageViews shows, so the chat list's preview always matches the conversation's last bubble.
 */
function lastMessageRow(model: ConversationModel): MessageRow | undefined {
  const timeline = model.doc.timeline();
  for (let i = timeline.length - 1; i >= 0; i--) {
    const row = model.rows.get((timeline[i] as MessageEntry).id);
    if (row?.kind === 'text') return row;
  }
  return undefined;
}

export function conversationView(model: ConversationModel, context: ViewContext): ConversationView {
  let unreadCount = 0;
  for (const row of model.rows.values()) {
    if (row.kind === 'text' && !row.outgoing && row.status !== 'read') unreadCount++;
  }
  const last = lastMessageRow(model);
  const peer = model.row.peerAccountId;
  const peerUsername = peer ? context.usernameOf(peer, model) : undefined;
  const typing = [...model.typing.entries()]
    .filter(([, expiresAt]) => expiresAt > context.now)
    .map(([accountId]) => context.usernameOf(accountId, model));
  const group = context.group?.(model);
  return {
    id: model.row.id,
    kind: model.row.kind,
    title: peerUsername ?? (group?.title || 'Group'),
    ...(group ? { memberCount: group.memberCount } : {}),
    ...(peerUsername ? { peerUsername } : {}),
    ...(last
      ? {
          lastMessage: {
            body: last.body,
            sentAt: last.sentAt,
            outgoing: last.outgoing,
            status: last.status,
          },
        }
      : {}),
    unreadCount,
    updatedAt: model.row.updatedAt,
    typing,
    ...(isMessageRequest(model) ? { request: true } : {}),
    ...(model.row.peerGone ? { peerDeleted: true } : {}),
  };
}
