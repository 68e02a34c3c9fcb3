import { useMessenger, useObservable } from '../messenger/messenger-context.js';

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
      <label className="settings__toggle">
        <input
          type="checkbox"
          checked={readReceipts}
          aria-describedby="read-receipts-help"
          onChange={(e) =>
            void messenger.updateAccountSettings({
              kind: 'set-read-receipts',
              enabled: e.target.checked,
            })
          }
        />{' '}
        Read receipts
      </label>
      <p id="read-receipts-help" className="settings__muted">
        Off: people you chat with don't see when you have read their messages.
      </p>
      <label className="settings__toggle">
        <input
          type="checkbox"
          checked={typingIndicators}
          aria-describedby="typing-help"
          onChange={(e) =>
            void messenger.updateAccountSettings({
              kind: 'set-typing-indicators',
              enabled: e.target.checked,
            })
          }
        />{' '}
        Typing indicators
      </label>
      <p id="typing-help" className="settings__muted">
        Off: people you chat with don't see when you are typing.
      </p>
    </section>
  );
}
