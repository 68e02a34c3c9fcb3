import { useState } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import { SettingSwitch } from '../settings/SettingSwitch.js';
import { DoNotDisturbSetting } from './DoNotDisturbSetting.js';
import { removePushSubscription, syncPushSubscription } from './push-subscription.js';
import { setNotificationPreferences, useNotificationPreferences } from './use-preferences.js';

/** Settings card: notifications, message previews and the arrival tone on this device. */
export function NotificationSettings() {
  const messenger = useMessenger();
  const preferences = useNotificationPreferences();
  const [problem, setProblem] = useState<string | null>(null);

  async function setEnabled(enabled: boolean) {
    setProblem(null);
    await setNotificationPreferences({ enabled });
    try {
      if (!enabled) {
        await removePushSubscription(messenger);
        return;
      }
      if ('Notification' in window && Notification.permission === 'default') {
        await Notification.requestPermission();
      }
      const state = await syncPushSubscription(messenger);
      if (state === 'not-permitted') {
        setProblem(
          'Your browser blocks notifications for Parley; allow them in its site settings.',
        );
      }
    } catch {
      setProblem("Notifications can't reach this device while Parley is closed right now.");
    }
  }

  return (
    <section className="settings__card" aria-labelledby="notifications-title">
      <h3 id="notifications-title">Notifications</h3>
      <SettingSwitch
        label="Show notifications for new messages"
        checked={preferences.enabled}
        onChange={(enabled) => void setEnabled(enabled)}
      />
      <SettingSwitch
        label="Show message text in notifications"
        checked={preferences.previews}
        disabled={!preferences.enabled}
        onChange={(previews) => void setNotificationPreferences({ previews })}
      />
      <SettingSwitch
        label="Play a sound when a message arrives"
        checked={preferences.sound}
        disabled={!preferences.enabled}
        onChange={(sound) => void setNotificationPreferences({ sound })}
      />
      <DoNotDisturbSetting />
      {problem && (
        <p className="settings__muted" role="alert">
          {problem}
        </p>
      )}
      <p className="settings__muted">
        Notifications reach this device through your browser's push service, which only learns that
        something arrived: Parley fetches and decrypts the message itself.
      </p>
    </section>
  );
}
