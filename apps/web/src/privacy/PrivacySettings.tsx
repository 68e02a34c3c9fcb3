import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { SettingSwitch } from '../settings/SettingSwitch.js';

/**
 * Settings card: read receipts and typing indicators. Off, this device's core sends none to
 * others (reading still syncs to this account's own devices).
 */
export function PrivacySettings() {
  const messenger = useMessenger();
  const { readReceipts, typingIndicators } = useObservable(messenger.accountSettings);
  return (
    <section className="settings__card" aria-labelledby="privacy-title">
      <h3 id="privacy-title">Privacy</h3>
      <SettingSwitch
        label="Read receipts"
        checked={readReceipts}
        onChange={(enabled) =>
          void messenger.updateAccountSettings({ kind: 'set-read-receipts', enabled })
        }
        help="Off: people you chat with don't see when you have read their messages."
      />
      <SettingSwitch
        label="Typing indicators"
        checked={typingIndicators}
        onChange={(enabled) =>
          void messenger.updateAccountSettings({ kind: 'set-typing-indicators', enabled })
        }
        help="Off: people you chat with don't see when you are typing."
      />
    </section>
  );
}
