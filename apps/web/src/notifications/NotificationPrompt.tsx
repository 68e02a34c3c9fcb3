import { useState } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Icon } from '../shell/Icon.js';
import { syncPushSubscription } from './push-subscription.js';
import { useNotificationPreferences } from './use-preferences.js';

const DISMISSED_KEY = 'parley:notification-prompt';

/**
 * Asks for notification permission at a moment that explains itself: once the person has sent a
 * message (they are expecting answers), never on first load, and only through a button they
 * press (browsers ignore or penalize prompts without a gesture). "Not now" is remembered.
 */
export function NotificationPrompt() {
  const messenger = useMessenger();
  const conversations = useObservable(messenger.conversationList);
  const preferences = useNotificationPreferences();
  const [hidden, setHidden] = useState(() => localStorage.getItem(DISMISSED_KEY) === 'dismissed');
  const [permission, setPermission] = useState(() =>
    'Notification' in window ? Notification.permission : 'denied',
  );
  const hasSent = conversations.some((c) => c.lastMessage?.outgoing);
  if (hidden || permission !== 'default' || !preferences.enabled || !hasSent) return null;

  async function turnOn() {
    const answer = await Notification.requestPermission();
    setPermission(answer);
    if (answer === 'granted') {
      syncPushSubscription(messenger).catch((error: unknown) =>
        console.warn('Parley: Web Push subscription failed.', error),
      );
    }
  }

  return (
    <section className="install-prompt" aria-label="Turn on notifications">
      <Icon name="bell" size={18} />
      <p>Get notified of new messages, even when Parley is closed.</p>
      <button type="button" className="button button--primary button--small" onClick={turnOn}>
        Turn on
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Not now"
        onClick={() => {
          localStorage.setItem(DISMISSED_KEY, 'dismissed');
          setHidden(true);
        }}
      >
        <Icon name="close" size={18} />
      </button>
    </section>
  );
}
