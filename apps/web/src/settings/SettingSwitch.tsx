import { useId, type ReactNode } from 'react';

interface SettingSwitchProps {
  label: ReactNode;
  /** The stored setting's value. */
  checked: boolean;
  /** Stores the new value (the switch follows the stored setting, not its own state). */
  onChange: (checked: boolean) => void;
  /** A sentence under the switch, e.g. what "off" means. */
  help?: ReactNode;
  disabled?: boolean;
}

/** One on/off setting in a Settings card: a labelled checkbox and what it does. */
export function SettingSwitch({ label, checked, onChange, help, disabled }: SettingSwitchProps) {
  const helpId = useId();
  return (
    <div className="setting-switch">
      <label className="setting-switch__label">
        <input
          type="checkbox"
          checked={checked}
          disabled={disabled}
          aria-describedby={help ? helpId : undefined}
          onChange={(event) => onChange(event.target.checked)}
        />
        {label}
      </label>
      {help && (
        <p id={helpId} className="settings__muted">
          {help}
        </p>
      )}
    </div>
  );
}
