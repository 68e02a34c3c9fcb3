import { useEffect, useState } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessengerEvent } from '../messenger/types.js';
import { Icon } from './Icon.js';

interface Notice {
  id: number;
  text: string;
}

function describeEvent(event: MessengerEvent): string {
  switch (event.type) {
    case 'safety-number-changed':
      return `Your safety number with ${event.username} changed. This happens when they reinstall Parley or use a new device; compare it again in Settings if you verified it before.`;
    case 'decrypt-failed':
      return `A message could not be decrypted (${event.reason}). Ask the sender to send it again.`;
  }
}

/** Security and delivery events from core, shown until the person dismisses them. */
export function Notices() {
  const messenger = useMessenger();
  const [notices, setNotices] = useState<Notice[]>([]);

  useEffect(() => {
    let nextId = 1;
    return messenger.on((event) => {
      setNotices((current) => [...current, { id: nextId++, text: describeEvent(event) }]);
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
