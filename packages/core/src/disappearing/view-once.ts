import type { Conversations } from '../conversations/conversations.js';
import { ParleyError } from '../errors.js';
import type { Media } from '../media/media.js';
import type { MessageRow } from '../store/database.js';
import { purgeMessages, type PurgeDeps } from './purge.js';

export interface ViewOnceDeps extends PurgeDeps {
  conversations: PurgeDeps['conversations'] & Pick<Conversations, 'get'>;
  media: PurgeDeps['media'] & Pick<Media, 'open'>;
}

/**
 * Opens a received view-once file, once: resolves with its bytes, and by then the message is
 * purged from this device (document entry, cached file, index) and stays as an "Opened" row
 * without attachments or caption. A second call, or one for the author's own view-once message,
 * is refused with VIEW_ONCE_UNAVAILABLE.
 */
export async function openViewOnce(
  deps: ViewOnceDeps,
  conversationId: string,
  messageId: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const model = deps.conversations.get(conversationId);
  if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
  const row = model.rows.get(messageId);
  if (!row) throw new ParleyError('UNKNOWN_MESSAGE', `no message ${messageId}`);
  const pointer = row.attachments?.find((attachment) => attachment.viewOnce);
  if (!pointer || row.outgoing || row.viewOnceOpened)
    throw new ParleyError('VIEW_ONCE_UNAVAILABLE', 'this view-once media cannot be opened');
  const bytes = await deps.media.open(pointer);
  await purgeMessages(deps, model, new Set([messageId]), [openedRow(row)]);
  return bytes;
}

/** What remains of an opened view-once message: who sent it and when, nothing of its content. */
function openedRow(row: MessageRow): MessageRow {
  const { attachments: _attachments, ...rest } = row;
  return { ...rest, body: '', viewOnceOpened: true, status: 'read' };
}
