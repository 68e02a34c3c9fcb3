import { useState } from 'react';
import { DISAPPEARING_TIMERS } from '@parley/core';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { ConversationView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { useMenuButton } from '../shell/use-menu-button.js';
import { shortTimer, timerName } from './timer-label.js';
import './disappearing.css';

/**
 * The chat header's disappearing-messages control: the timer in force (a badge), and a menu to
 * change it. In a group that lets only admins edit its info, members see it but cannot change it.
 */
export function DisappearingMenu({ conversation }: { conversation: ConversationView }) {
  const messenger = useMessenger();
  const seconds = conversation.disappearingSeconds ?? 0;
  const group = conversation.kind === 'group' ? messenger.groupInfo(conversation.id) : undefined;
  const allowed = !group || (group.isMember && (!group.adminsOnlyEditInfo || group.isAdmin));
  const [error, setError] = useState<string | null>(null);
  const { open, close, toggle, buttonRef, menuProps } = useMenuButton('[aria-checked="true"]');

  function choose(value: number) {
    setError(null);
    messenger
      .setDisappearingTimer(conversation.id, value)
      .catch((cause: unknown) => setError(describeError(cause, 'timer')));
    close();
  }

  const state = seconds === 0 ? 'off' : timerName(seconds);
  return (
    <div className="disappearing-menu">
      <button
        ref={buttonRef}
        type="button"
        className={`icon-button${seconds > 0 ? ' disappearing-menu__button--on' : ''}`}
        aria-label={`Disappearing messages: ${state}`}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="disappearing-button"
        onClick={toggle}
      >
        <Icon name="timer" />
        {seconds > 0 && (
          <span className="disappearing-menu__badge" aria-hidden="true">
            {shortTimer(seconds)}
          </span>
        )}
      </button>
      {error && (
        <p role="alert" className="disappearing-menu__error">
          {error}
        </p>
      )}
      {open && (
        <div
          {...menuProps}
          className="mute-menu__list"
          role="menu"
          aria-label="Disappearing messages"
        >
          <p className="mute-menu__state">
            {allowed
              ? 'New messages disappear this long after they are read'
              : 'Only admins can change this'}
          </p>
          {DISAPPEARING_TIMERS.map((value) => (
            <button
              key={value}
              type="button"
              role="menuitemradio"
              aria-checked={value === seconds}
              aria-disabled={!allowed || undefined}
              className="mute-menu__item disappearing-menu__item"
              onClick={() => allowed && choose(value)}
            >
              {timerName(value)}
              {value === seconds && <Icon name="check" size={16} />}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
