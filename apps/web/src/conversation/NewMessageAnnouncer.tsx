import { useEffect, useRef, useState } from 'react';
import type { MessageView } from '../messenger/types.js';

/**
 * Tells screen-reader users about each message that arrives while the chat is open (the timeline
 * itself is not a live region: virtualization adds rows while scrolling). Messages already there
 * when the chat opens are not read out.
 */
export function NewMessageAnnouncer({ messages }: { messages: readonly MessageView[] }) {
  const [announcement, setAnnouncement] = useState('');
  const lastSeenId = useRef(messages.at(-1)?.id);

  useEffect(() => {
    const last = messages.at(-1);
    if (!last || last.id === lastSeenId.current) return;
    lastSeenId.current = last.id;
    if (!last.outgoing && last.kind === 'text')
      setAnnouncement(`${last.senderUsername}: ${last.body}`);
  }, [messages]);

  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true">
      {announcement}
    </div>
  );
}
