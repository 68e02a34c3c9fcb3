import type {
  AttachmentPreviewLabel,
  ConversationSummary,
  MessagePreview,
  MessageRow,
} from '../store/database.js';

/**
 * A chat's summary (ConversationRow.summary): its unread count and the preview of its last
 * message, which the chat list shows without the chat's rows (docs/decisions/0821). Conversations
 * keeps it with every change of a row, in the unit of work that writes the row.
 */

/** Whether a row counts in its chat's unread badge. */
export function isUnread(row: MessageRow): boolean {
  return (
    row.kind === 'text' && !row.outgoing && row.status !== 'read' && !row.hidden && !row.deleted
  );
}

/** Whether a row may be its chat's preview: a visible text message. */
function previewable(row: MessageRow): boolean {
  return row.kind === 'text' && !row.hidden;
}

/** Timeline order (timeline-order.ts) on projection rows and previews: key, then id. */
export function compareRows(
  a: Pick<MessageRow, 'id' | 'sentAt' | 'hlc'>,
  b: Pick<MessageRow, 'id' | 'sentAt' | 'hlc'>,
): number {
  const byKey = (a.hlc ?? a.sentAt) - (b.hlc ?? b.sentAt);
  if (byKey !== 0) return byKey;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The last visible text row, in timeline order. */
export function lastRow(rows: Iterable<MessageRow>): MessageRow | undefined {
  let last: MessageRow | undefined;
  for (const row of rows) if (previewable(row) && (!last || compareRows(row, last) > 0)) last = row;
  return last;
}

export function previewOf(row: MessageRow): MessagePreview {
  return {
    id: row.id,
    sentAt: row.sentAt,
    ...(row.hlc !== undefined ? { hlc: row.hlc } : {}),
    body: row.body,
    outgoing: row.outgoing,
    status: row.status,
    ...(row.deleted ? { deleted: true } : {}),
    ...attachmentLabelOf(row),
  };
}

/** The first file of `row`, as a preview names it (none for a deleted message). */
export function attachmentLabelOf(row: MessageRow): { attachment?: AttachmentPreviewLabel } {
  const first = row.deleted ? undefined : row.attachments?.[0];
  if (!first) return {};
  return {
    attachment: {
      kind: first.kind,
      ...(first.fileName !== undefined ? { fileName: first.fileName } : {}),
      ...(first.viewOnce ? { viewOnce: true } : {}),
    },
  };
}

/** The summary of a whole chat's rows. */
export function summarize(rows: Iterable<MessageRow>): ConversationSummary {
  let unread = 0;
  let wrote = false;
  const all = [...rows];
  for (const row of all) {
    if (isUnread(row)) unread++;
    if (row.outgoing && row.kind === 'text') wrote = true;
  }
  const last = lastRow(all);
  return { unread, ...(last ? { last: previewOf(last) } : {}), ...(wrote ? { wrote } : {}) };
}

/**
 * The summary after one row of the chat changed from `before` to `after` (either absent: added
 * or removed); `rows` are the chat's rows after the change, read only when the preview itself
 * was removed or hidden.
 */
export function summaryAfter(
  summary: ConversationSummary,
  before: MessageRow | undefined,
  after: MessageRow | undefined,
  rows: () => Iterable<MessageRow>,
): ConversationSummary {
  const unread =
    summary.unread + (after && isUnread(after) ? 1 : 0) - (before && isUnread(before) ? 1 : 0);
  const wrote = summary.wrote || (after?.outgoing === true && after.kind === 'text');
  let last = summary.last;
  const id = (after ?? before)?.id;
  if (after && previewable(after) && (!last || last.id === id || compareRows(after, last) > 0))
    last = previewOf(after);
  else if (last && last.id === id) {
    const row = lastRow(rows());
    last = row && previewOf(row);
  }
  return { unread, ...(last ? { last } : {}), ...(wrote ? { wrote } : {}) };
}

/**
 * Whether two summaries are equal: both are built in one key order (previewOf, summarize,
 * summaryAfter) and IndexedDB keeps it.
 */
export function sameSummary(a: ConversationSummary, b: ConversationSummary | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
