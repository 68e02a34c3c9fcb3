import { useId, useState, type FormEvent } from 'react';
import { MAX_CONTACT_NAME_LENGTH } from '@parley/core';
import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { ConversationView } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { ChatOrganizer } from './ChatOrganizer.js';
import './chat-info.css';

/**
 * A chat's info: for a direct chat, the contact (the name this account gave them, their username
 * underneath) with rename and block; for every chat, pin and archive. All of it is the account's
 * (the account document), so the user's other devices show the same.
 */
export default function ChatInfoDialog({
  conversation,
  onClose,
}: {
  conversation: ConversationView;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  const settings = useObservable(messenger.accountSettings);
  const dialogRef = useModalDialog();
  const id = useId();
  const peer = conversation.peerAccountId;
  const givenName = peer ? settings.contactNames[peer] : undefined;
  const blocked = peer ? settings.blocked.includes(peer) : false;
  const [name, setName] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
    } catch (cause) {
      setError(describeError(cause, 'open-chat'));
    }
  }

  function rename(event: FormEvent) {
    event.preventDefault();
    if (!peer || name === null) return;
    void run(async () => {
      await messenger.updateAccountSettings({
        kind: 'rename-contact',
        accountId: peer,
        name: name.trim() || null,
      });
      setName(null);
    });
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog chat-info"
      aria-labelledby={`${id}-title`}
      onClose={onClose}
    >
      <header className="chat-info__header">
        <Avatar name={conversation.title} size={56} src={conversation.avatar} />
        <div>
          <h2 id={`${id}-title`}>{conversation.title}</h2>
          {conversation.peerUsername && (
            <p className="chat-info__username" data-testid="chat-info-username">
              @{conversation.peerUsername}
            </p>
          )}
        </div>
      </header>
      {peer &&
        (name === null ? (
          <button
            type="button"
            className="button button--small"
            onClick={() => setName(givenName ?? '')}
          >
            {givenName ? 'Rename contact' : 'Give this contact a name'}
          </button>
        ) : (
          <form onSubmit={rename} className="chat-info__rename">
            <label htmlFor={`${id}-name`} className="field-label">
              Contact name (only you see it; empty shows their username)
            </label>
            <input
              id={`${id}-name`}
              className="input"
              value={name}
              maxLength={MAX_CONTACT_NAME_LENGTH}
              placeholder={conversation.peerUsername}
              onChange={(e) => setName(e.target.value)}
              autoFocus
            />
            <div className="chat-info__row-actions">
              <button type="button" className="button button--small" onClick={() => setName(null)}>
                Cancel
              </button>
              <button type="submit" className="button button--small button--primary">
                Save
              </button>
            </div>
          </form>
        ))}
      <ChatOrganizer conversationId={conversation.id} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        {peer && (
          <button
            type="button"
            className={blocked ? 'button' : 'button button--danger'}
            onClick={() =>
              void run(() =>
                messenger.updateAccountSettings({
                  kind: blocked ? 'unblock' : 'block',
                  accountId: peer,
                }),
              )
            }
          >
            {blocked ? 'Unblock' : 'Block'}
          </button>
        )}
        <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
