import { useEffect, useState } from 'react';
import { hrefFor } from '../app/route.js';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessengerEvent } from '../messenger/types.js';
import { Icon } from './Icon.js';

interface Notice {
  id: number;
  text: string;
  /** Set for a changed safety number: the contact whose new key the person may accept. */
  changedContact?: string;
}

/** The sentence for an event worth interrupting the person for; null for the others. */
function describeEvent(event: MessengerEvent): string | null {
  switch (event.type) {
    case 'messages-received':
      // The chat list and the open chat show new messages already.
      return null;
    case 'safety-number-changed':
      return `Your safety number with ${event.username} changed, which happens when they reinstall Parley or change devices. If you had verified ${event.username}, messages to them wait until you accept the new number; compare it with them first.`;
    case 'decrypt-failed':
      return `A message could not be decrypted (${event.reason}). Ask the sender to send it again.`;
    case 'relay-refused':
      return `The Parley server no longer accepts this device (${event.message}). Messages can't be sent or received on this device any more.`;
    case 'signed-out':
      // The app returns to sign-up (account/leave-device.ts).
      return null;
    case 'devices-changed':
      // Settings' device list refreshes itself (linking/LinkedDevices.tsx).
      return null;
    case 'profile-changed':
      // Chat titles and photos follow the profiles view.
      return null;
    case 'error':
      return `Something went wrong in the background (${event.message}). Parley keeps running and will try again.`;
  }
}

/** Security and delivery events from core, shown until the person acts on or dismisses them. */
export function Notices() {
  const messenger = useMessenger();
  const [notices, setNotices] = useState<Notice[]>([]);

  useEffect(() => {
    let nextId = 1;
    return messenger.on((event) => {
      const text = describeEvent(event);
      if (!text) return;
      const changedContact = event.type === 'safety-number-changed' ? event.username : undefined;
      setNotices((current) => [...current, { id: nextId++, text, changedContact }]);
    });
  }, [messenger]);

  const dismiss = (id: number) => setNotices((current) => current.filter((n) => n.id !== id));

  async function accept(notice: Notice) {
    try {
      await messenger.acceptIdentityChange(notice.changedContact!);
      dismiss(notice.id);
    } catch (error) {
      // Not held (the contact was never verified): nothing to accept, the notice has done its job.
      if ((error as { code?: string }).code === 'NO_IDENTITY_CHANGE') return dismiss(notice.id);
      setNotices((current) =>
        current.map((n) =>
          n.id === notice.id ? { ...n, text: describeError(error, 'verify') } : n,
        ),
      );
    }
  }

  if (notices.length === 0) return null;
  return (
    <div className="notices" role="region" aria-label="Notifications">
      {notices.map((notice) => (
        <div key={notice.id} className="notice" role="alert">
          <Icon name="shield" size={18} />
          <div className="notice__body">
            <p>{notice.text}</p>
            {notice.changedContact && (
              <p className="notice__actions">
                <a className="button button--small" href={hrefFor({ name: 'settings' })}>
                  Compare safety number
                </a>
                <button
                  type="button"
                  className="button button--small button--primary"
                  onClick={() => void accept(notice)}
                >
                  Accept new number
                </button>
              </p>
            )}
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss notification"
            onClick={() => dismiss(notice.id)}
          >
            <Icon name="close" size={18} />
          </button>
        </div>
      ))}
    </div>
  );
}
