import type { MessageEntry } from './conversation-doc.js';
import {
  checkedPointer,
  MAX_ATTACHMENTS_PER_MESSAGE,
  type AttachmentPointer,
} from '../media/attachment-pointer.js';
import type { MessageRow, StoredMessageStatus } from '../store/database.js';
import { MAX_DISAPPEARING_SECONDS } from '../groups/limits.js';

/** The projection row of a message of a conversation's document. */
export function messageRow(
  entry: MessageEntry,
  conversationId: string,
  outgoing: boolean,
  status: StoredMessageStatus,
): MessageRow {
  return {
    id: entry.id,
    conversationId,
    senderId: entry.senderId,
    senderDeviceId: entry.senderDeviceId,
    sentAt: entry.sentAt,
    ...(typeof entry.hlc === 'number' ? { hlc: entry.hlc } : {}),
    body: entry.body,
    kind: 'text',
    outgoing,
    status,
    ...attachmentsOf(entry),
    ...timerOf(entry),
    ...(typeof entry.replyTo === 'string' ? { replyTo: entry.replyTo } : {}),
    ...(entry.forwarded === true ? { forwarded: true } : {}),
  };
}

/** The entry's disappearing timer when it is a whole number of seconds within the limit. */
function timerOf(entry: MessageEntry): { disappearingSeconds?: number } {
  const seconds = entry.disappearingSeconds;
  const valid =
    typeof seconds === 'number' &&
    Number.isSafeInteger(seconds) &&
    seconds > 0 &&
    seconds <= MAX_DISAPPEARING_SECONDS;
  return valid ? { disappearingSeconds: seconds } : {};
}

/** The entry's well-formed attachment pointers (they come from other devices; see checkedPointer). */
function attachmentsOf(entry: MessageEntry): { attachments?: AttachmentPointer[] } {
  if (!Array.isArray(entry.attachments)) return {};
  const attachments = entry.attachments
    .slice(0, MAX_ATTACHMENTS_PER_MESSAGE)
    .map(checkedPointer)
    .filter((pointer): pointer is AttachmentPointer => pointer !== undefined);
  return attachments.length > 0 ? { attachments } : {};
}
