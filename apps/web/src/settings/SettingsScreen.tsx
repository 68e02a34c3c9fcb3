import { useMemo } from 'react';
import { AccountActions } from '../account/AccountActions.js';
import { AppearanceSettings } from '../appearance/AppearanceSettings.js';
import { LinkedDevices } from '../linking/LinkedDevices.js';
import { MediaSettings } from '../media/MediaSettings.js';
import { NotificationSettings } from '../notifications/NotificationSettings.js';
import { PrivacySettings } from '../privacy/PrivacySettings.js';
import { ProfileCard } from '../profile/ProfileCard.js';
import { hrefFor } from '../app/route.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { SelfView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { SafetyNumberCard } from './SafetyNumberCard.js';
import './settings.css';

/** Profile, this device, and a safety number for each contact to compare in person. */
export default function SettingsScreen({ self }: { self: SelfView }) {
  const messenger = useMessenger();
  const conversations = useObservable(messenger.conversationList);
  const contacts = useMemo(
    () =>
      [
        ...new Set(
          conversations.flatMap((c) =>
            c.kind === 'direct' && c.peerUsername ? [c.peerUsername] : [],
          ),
        ),
      ].sort(),
    [conversations],
  );

  return (
    <section className="settings" aria-labelledby="settings-title">
      <header className="conversation__header">
        <a
          className="icon-button conversation__back"
          href={hrefFor({ name: 'chats' })}
          aria-label="Back to chats"
        >
          <Icon name="back" />
        </a>
        <h2 id="settings-title">Settings</h2>
      </header>
      <div className="settings__body">
        <ProfileCard self={self} />

        <section className="settings__card" aria-labelledby="safety-title">
          <h3 id="safety-title">Safety numbers</h3>
          <p className="settings__muted">
            Compare a safety number with your contact in person or over a call. If the numbers
            match, your chat is end-to-end encrypted with the right person, and you can mark them as
            verified.
          </p>
          {contacts.length === 0 ? (
            <p>Start a chat to see its safety number here.</p>
          ) : (
            <ul className="safety-list">
              {contacts.map((username) => (
                <li key={username}>
                  <SafetyNumberCard username={username} />
                </li>
              ))}
            </ul>
          )}
        </section>

        <AppearanceSettings />
        <PrivacySettings />

        <NotificationSettings />

        <MediaSettings />

        <LinkedDevices />

        <AccountActions username={self.username} />
      </div>
    </section>
  );
}
