import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import './appearance.css';
import type { Theme } from '../messenger/types.js';

const THEMES: ReadonlyArray<{ value: Theme; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** Settings card: the theme (system, light, dark), applied at once and kept with the account. */
export function AppearanceSettings() {
  const messenger = useMessenger();
  const { theme } = useObservable(messenger.accountSettings);
  return (
    <section className="settings__card" aria-labelledby="appearance-title">
      <h3 id="appearance-title">Appearance</h3>
      <fieldset className="settings__choices">
        <legend>Theme</legend>
        {THEMES.map(({ value, label }) => (
          <label key={value} className="settings__choice">
            <input
              type="radio"
              name="theme"
              value={value}
              checked={theme === value}
              onChange={() =>
                void messenger.updateAccountSettings({ kind: 'set-theme', theme: value })
              }
            />
            {label}
          </label>
        ))}
      </fieldset>
      <p className="settings__muted">System follows your device's light or dark setting.</p>
    </section>
  );
}
