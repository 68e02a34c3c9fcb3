import type { ConversationModel } from './conversation-model.js';
import { STATUS_RANK } from './receipt-status.js';
import { sameSummary, summarize, summaryAfter } from './summary.js';
import type { ConversationSummary, MessageRow, StoredMessageStatus } from '../store/database.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/**
 * A chat's summary kept on its conversation row (summary.ts, docs/decisions/0821), staged on the
 * unit of work that changes its rows: the chat list reads it for chats whose rows are not read.
 */

/**
 * The summary of rows just read, written when the stored one differs: a row written before
 * summaries were kept, or a status the rows derive (0370) that no change recorded in it.
 */
export function resummarize(work: UnitOfWork, model: ConversationModel): void {
  setSummary(work, model, summarize(model.rows.values()));
}

/**
 * Keeps the summary with a change of one of the chat's rows. A model whose rows are not loaded
 * is never changed (ensure first).
 */
export function summarizeChange(
  work: UnitOfWork,
  model: ConversationModel,
  before: MessageRow | undefined,
  after: MessageRow | undefined,
): void {
  if (!model.rowsLoaded) return;
  const summary = summaryAfter(model.row.summary ?? { unread: 0 }, before, after, () =>
    model.rows.values(),
  );
  setSummary(work, model, summary);
}

/**
 * A status recorded elsewhere (an outbox row's deletion, a receipt row) for a message of a chat
 * whose rows are not loaded: its rows derive it when loaded; the chat list's preview of it shows
 * it now. True when the preview changed.
 */
export function raisePreview(
  work: UnitOfWork,
  model: ConversationModel,
  messageId: string,
  status: StoredMessageStatus,
): boolean {
  const summary = model.row.summary;
  const last = summary?.last;
  if (!summary || last?.id !== messageId || STATUS_RANK[status] <= STATUS_RANK[last.status])
    return false;
  setSummary(work, model, { ...summary, last: { ...last, status } });
  return true;
}

function setSummary(
  work: UnitOfWork,
  model: ConversationModel,
  summary: ConversationSummary,
): void {
  if (sameSummary(summary, model.row.summary)) return;
  model.row = { ...model.row, summary };
  work.conversations.set(model.row.id, model.row);
}
