import { MUTED_FOREVER } from '@parley/core';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Icon } from '../shell/Icon.js';
import { useMenuButton } from '../shell/use-menu-button.js';
import { isMuted } from './notification-content.js';

const HOUR_MS = 60 * 60 * 1000;

const CHOICES = [
  { label: 'For 1 hour', ms: HOUR_MS },
  { label: 'For 8 hours', ms: 8 * HOUR_MS },
  { label: 'For 1 week', ms: 7 * 24 * HOUR_MS },
  { label: 'Always', ms: Infinity },
] as const;

function mutedText(mutedUntil: number): string {
  if (mutedUntil >= MUTED_FOREVER) return 'Muted';
  const until = new Date(mutedUntil);
  const sameDay = until.toDateString() === new Date().toDateString();
  const time = until.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `Muted until ${sameDay ? time : `${until.toLocaleDateString()} ${time}`}`;
}

/**
 * The chat header's mute menu: no notifications, toasts or sounds for this chat for a while or
 * for good. The setting is the account's (account-settings' mutedUntil), so every device of the
 * person, and the service worker woken by a push, honours it.
 */
export function MuteMenu({ conversationId, title }: { conversationId: string; title: string }) {
  const messenger = useMessenger();
  const settings = useObservable(messenger.accountSettings);
  const mutedUntil = settings.chats[conversationId]?.mutedUntil ?? 0;
  const muted = isMuted(mutedUntil, Date.now());
  const { open, close, toggle, buttonRef, menuProps } = useMenuButton();

  function choose(ms: number) {
    const until = ms === Infinity ? MUTED_FOREVER : ms === 0 ? 0 : Date.now() + ms;
    void messenger.updateAccountSettings({ kind: 'set-chat', conversationId, mutedUntil: until });
    close();
  }

  return (
    <div className="mute-menu">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button"
        aria-label={
          muted ? `${mutedText(mutedUntil)}: notifications for ${title}` : `Mute ${title}`
        }
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={toggle}
      >
        <Icon name={muted ? 'bell-off' : 'bell'} />
      </button>
      {open && (
        <div
          {...menuProps}
          className="mute-menu__list"
          role="menu"
          aria-label={`Mute notifications for ${title}`}
        >
          <p className="mute-menu__state">{muted ? mutedText(mutedUntil) : 'Notifications on'}</p>
          {CHOICES.map((choice) => (
            <button
              key={choice.label}
              type="button"
              role="menuitem"
              className="mute-menu__item"
              onClick={() => choose(choice.ms)}
            >
              Mute {choice.label.toLowerCase()}
            </button>
          ))}
          {muted && (
            <button
              type="button"
              role="menuitem"
              className="mute-menu__item"
              onClick={() => choose(0)}
            >
              Unmute
            </button>
          )}
        </div>
      )}
    </div>
  );
}
