import { useId } from 'react';
import './notifications.css';
import {
  doNotDisturbUntil,
  isDoNotDisturb,
  MORNING_HOUR,
  type DoNotDisturbChoice,
} from './do-not-disturb.js';
import { setNotificationPreferences, useNotificationPreferences } from './use-preferences.js';

const CHOICES: readonly { value: DoNotDisturbChoice; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'hour', label: 'For 1 hour' },
  { value: 'tomorrow', label: `Until tomorrow ${MORNING_HOUR}:00` },
  { value: 'always', label: 'Until turned off' },
];

/** Settings > Notifications: silence this device for a while (do-not-disturb.ts). */
export function DoNotDisturbSetting({ now = Date.now }: { now?: () => number }) {
  const id = useId();
  const preferences = useNotificationPreferences();
  const until = preferences.doNotDisturbUntil;
  // A do-not-disturb that has ended shows as off.
  const active = isDoNotDisturb(until, now());
  const choice = active ? preferences.doNotDisturbChoice : 'off';

  function choose(next: DoNotDisturbChoice) {
    void setNotificationPreferences({
      doNotDisturbChoice: next,
      doNotDisturbUntil: doNotDisturbUntil(next, new Date(now())),
    });
  }

  return (
    <div className="dnd">
      <label htmlFor={id}>Do not disturb</label>{' '}
      <select id={id} value={choice} onChange={(e) => choose(e.target.value as DoNotDisturbChoice)}>
        {CHOICES.map(({ value, label }) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
      {active && (
        <p className="settings__muted">
          {Number.isFinite(until)
            ? `No notifications or sounds until ${new Date(until).toLocaleString(undefined, {
                weekday: 'short',
                hour: '2-digit',
                minute: '2-digit',
              })}.`
            : 'No notifications or sounds until you turn this off.'}{' '}
          Messages still arrive and count as unread.
        </p>
      )}
    </div>
  );
}
