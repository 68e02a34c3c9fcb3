import type { ConversationView } from '../messenger/types.js';
import { messageSummary } from '../rich/message-rules.js';

export type LastMessage = NonNullable<ConversationView['lastMessage']>;

/** A chat's last message as a list previews it: its text, or what its file is ("Photo", a name). */
export function lastMessageText(last: LastMessage): string {
  return messageSummary({ body: last.body, attachments: last.attachment ? [last.attachment] : [] });
}
