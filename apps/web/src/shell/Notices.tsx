import { useEffect, useState } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessengerEvent } from '../messenger/types.js';
import { Icon } from './Icon.js';

interface Notice {
  id: number;
  text: string;
}

/** The sentence for an event worth interrupting the person for; null for the others. */
function describeEvent(event: MessengerEvent): string | null {
  switch (event.type) {
    case 'messages-received':
      // The chat list and the open chat show new messages already.
      return null;
    case 'safety-number-changed':
      return `Your safety number with ${event.username} changed. This happens when they reinstall Parley or use a new device; compare it again in Settings if you verified it before.`;
    case 'decrypt-failed':
      return `A message could not be decrypted (${event.reason}). Ask the sender to send it again.`;
    case 'relay-refused':
      return `The Parley server no longer accepts this device (${event.message}). Messages can't be sent or received here until you sign up again.`;
    case 'error':
      return `Something went wrong in the background (${event.message}). Parley keeps running and will try again.`;
  }
}

/** Security and delivery events from core, shown until the person dismisses them. */
export function Notices() {
  const messenger = useMessenger();
  const [notices, setNotices] = useState<Notice[]>([]);

  useEffect(() => {
    let nextId = 1;
    return messenger.on((event) => {
      const text = describeEvent(event);
      if (text) setNotices((current) => [...current, { id: nextId++, text }]);
    });
  }, [messenger]);

  if (notices.length === 0) return null;
  return (
    <div className="notices" role="region" aria-label="Notifications">
      {notices.map((notice) => (
        <div key={notice.id} className="notice" role="alert">
          <Icon name="shield" size={18} />
          <p>{notice.text}</p>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss notification"
            onClick={() => setNotices((current) => current.filter((n) => n.id !== notice.id))}
          >
            <Icon name="close" size={18} />
          </button>
        </div>
      ))}
    </div>
  );
}
