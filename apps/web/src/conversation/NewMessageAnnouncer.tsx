import { useEffect, useRef, useState } from 'react';
import type { MessageView } from '../messenger/types.js';

/** The most of a body read out: enough to recognise the message, never a 10,000-character wall. */
export const ANNOUNCED_EXCERPT_CHARS = 120;

/** "sender: start of the text…": what the live region says about one new message. */
export function announcementOf(message: MessageView): string {
  const body = message.body.replace(/\s+/g, ' ').trim();
  const excerpt =
    body.length > ANNOUNCED_EXCERPT_CHARS
      ? `${body.slice(0, ANNOUNCED_EXCERPT_CHARS).trimEnd()}…`
      : body;
  return `${message.senderName}: ${excerpt || 'attachment'}`;
}

function isNewer(message: MessageView, than: MessageView): boolean {
  return message.id !== than.id && message.sentAt >= than.sentAt;
}

/**
 * Tells screen-reader users about each message that arrives while the chat is open (the timeline
 * itself is not a live region: virtualization adds rows while scrolling). Messages already there
 * when the chat opens are not read out.
 */
export function NewMessageAnnouncer({ messages }: { messages: readonly MessageView[] }) {
  const [announcement, setAnnouncement] = useState('');
  const newest = useRef(messages.at(-1));

  useEffect(() => {
    const last = messages.at(-1);
    // Only a message newer than any seen last: scrolling moves the window of history shown
    // (0820), so the last row can also be an older message coming into view or staying in it.
    if (!last || (newest.current && !isNewer(last, newest.current))) return;
    newest.current = last;
    if (!last.outgoing && last.kind === 'text') setAnnouncement(announcementOf(last));
  }, [messages]);

  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement}
    </div>
  );
}
