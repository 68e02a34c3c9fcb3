import { DELETE_FOR_EVERYONE_WINDOW_MS, EDIT_WINDOW_MS } from '@parley/core';
import type { MessageView } from '../messenger/types.js';

/** The quick reactions offered first (as Signal and WhatsApp do). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

/** The UI's side of core's rules (core enforces them on every device; this only hides actions). */
export function canEdit(message: MessageView, now: number): boolean {
  return (
    message.outgoing &&
    !message.deleted &&
    message.kind === 'text' &&
    message.body !== '' &&
    now - message.sentAt <= EDIT_WINDOW_MS
  );
}

export function canDeleteForEveryone(message: MessageView, now: number): boolean {
  return (
    message.outgoing && !message.deleted && now - message.sentAt <= DELETE_FOR_EVERYONE_WINDOW_MS
  );
}

/** A short description of a message for quotes and dialogs ("Photo", or its text). */
export function messageSummary(message: {
  body: string;
  deleted?: boolean;
  attachments?: readonly { kind: string; fileName?: string; viewOnce?: boolean }[];
  attachmentKind?: string;
}): string {
  if (message.deleted) return 'This message was deleted';
  if (message.body.trim() !== '') return message.body;
  const first = message.attachments?.[0];
  const kind = first?.kind ?? message.attachmentKind;
  if (!kind) return '';
  // A document is known by its name; a photo's file name says nothing ("IMG_2041.jpg").
  if ((kind === 'file' || kind === 'audio') && first?.fileName) return first.fileName;
  const name = KIND_NAMES[kind] ?? 'File';
  return first?.viewOnce ? `View-once ${name.toLowerCase()}` : name;
}

const KIND_NAMES: Record<string, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  voice: 'Voice message',
  file: 'File',
};
