import { useId, useState, type FormEvent } from 'react';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { GroupMemberView } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { normalizeUsername } from '../signup/username-rules.js';
import { parseUsernames } from './usernames.js';
import './groups.css';

/**
 * A group's info: its name (admins rename), its members with their roles, and what this account
 * may do: add, remove, make admin (admins), leave (members). Re-renders whenever the chat list
 * does, which core invalidates when the group's membership changes.
 */
export default function GroupInfoDialog({
  conversationId,
  onClose,
}: {
  conversationId: string;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  useObservable(messenger.conversationList);
  const self = useObservable(messenger.self);
  const info = messenger.groupInfo(conversationId);
  const dialogRef = useModalDialog();
  const [newTitle, setNewTitle] = useState<string | null>(null);
  const [toAdd, setToAdd] = useState('');
  // New members see messages from their addition on, unless the admin shares the history.
  const [shareHistory, setShareHistory] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  if (!info) return null;
  const isAdmin = info.isAdmin;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (cause) {
      setError(describeError(cause, 'open-chat'));
    } finally {
      setBusy(false);
    }
  }

  function rename(event: FormEvent) {
    event.preventDefault();
    const title = (newTitle ?? '').trim();
    if (!title || title === info?.title) return setNewTitle(null);
    void run(async () => {
      await messenger.renameGroup(conversationId, title);
      setNewTitle(null);
    });
  }

  function add(event: FormEvent) {
    event.preventDefault();
    const usernames = parseUsernames(toAdd).map(normalizeUsername);
    if (usernames.length === 0) return setError('Enter a username to add.');
    void run(async () => {
      await messenger.addGroupMembers(conversationId, usernames, { shareHistory });
      setToAdd('');
      setShareHistory(false);
    });
  }

  const members = [...info.members].sort(byRoleThenName);
  return (
    <dialog
      ref={dialogRef}
      className="dialog group-info"
      aria-labelledby={`${id}-title`}
      onClose={onClose}
    >
      <header className="group-info__header">
        <Avatar name={info.title} size={56} />
        {newTitle === null ? (
          <div>
            <h2 id={`${id}-title`}>{info.title}</h2>
            <p className="group-info__count">
              Group · {info.members.length} {info.members.length === 1 ? 'member' : 'members'}
            </p>
          </div>
        ) : (
          <form onSubmit={rename} className="group-info__rename">
            <label htmlFor={`${id}-rename`} className="field-label">
              Group name
            </label>
            <input
              id={`${id}-rename`}
              className="input"
              value={newTitle}
              maxLength={128}
              onChange={(e) => setNewTitle(e.target.value)}
              autoFocus
            />
            <div className="group-info__row-actions">
              <button
                type="button"
                className="button button--small"
                onClick={() => setNewTitle(null)}
              >
                Cancel
              </button>
              <button
                type="submit"
                className="button button--small button--primary"
                disabled={busy}
              >
                Save
              </button>
            </div>
          </form>
        )}
      </header>
      {info.isMember && (isAdmin || !info.adminsOnlyEditInfo) && newTitle === null && (
        <button
          type="button"
          className="button button--small"
          onClick={() => setNewTitle(info.title)}
        >
          Rename group
        </button>
      )}
      {!info.isMember && (
        <p className="group-info__former" role="status">
          {info.former === 'left' ? 'You left this group.' : 'You were removed from this group.'}
        </p>
      )}
      <h3 className="group-info__section">Members</h3>
      <ul className="group-info__members" aria-label="Members">
        {members.map((member) => (
          <MemberRow
            key={member.accountId}
            member={member}
            isSelf={member.accountId === self?.accountId}
            canManage={isAdmin && info.isMember}
            busy={busy}
            onRemove={() =>
              void run(() => messenger.removeGroupMember(conversationId, member.username))
            }
            onRole={(role) =>
              void run(() => messenger.setGroupRole(conversationId, member.username, role))
            }
          />
        ))}
      </ul>
      {isAdmin && info.isMember && (
        <form onSubmit={add} className="group-info__add">
          <label htmlFor={`${id}-add`} className="field-label">
            Add members
          </label>
          <div className="group-info__add-row">
            <input
              id={`${id}-add`}
              className="input"
              placeholder="username"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              value={toAdd}
              onChange={(e) => {
                setToAdd(e.target.value);
                setError(null);
              }}
            />
            <button type="submit" className="button button--primary" disabled={busy}>
              Add
            </button>
          </div>
          <label className="group-info__share">
            <input
              type="checkbox"
              checked={shareHistory}
              onChange={(e) => setShareHistory(e.target.checked)}
            />
            Share the chat history with them (otherwise they see messages from now on)
          </label>
        </form>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        {info.isMember && (
          <button
            type="button"
            className="button button--danger"
            disabled={busy}
            onClick={() => void run(() => messenger.leaveGroup(conversationId))}
          >
            Leave group
          </button>
        )}
        <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
          Close
        </button>
      </div>
    </dialog>
  );
}

function MemberRow({
  member,
  isSelf,
  canManage,
  busy,
  onRemove,
  onRole,
}: {
  member: GroupMemberView;
  isSelf: boolean;
  canManage: boolean;
  busy: boolean;
  onRemove: () => void;
  onRole: (role: 'admin' | 'member') => void;
}) {
  const shown = member.displayName ?? member.username;
  const name = isSelf ? `${shown} (you)` : shown;
  return (
    <li className="group-info__member" aria-label={`${name}, ${member.role}`}>
      <Avatar name={shown} size={32} src={member.avatar} />
      <span className="group-info__name">
        {name}
        {member.displayName && <span className="group-info__username"> @{member.username}</span>}
      </span>
      {member.role === 'admin' && <span className="group-info__badge">Admin</span>}
      {canManage && !isSelf && (
        <span className="group-info__row-actions">
          <button
            type="button"
            className="button button--small"
            disabled={busy}
            aria-label={
              member.role === 'admin'
                ? `Dismiss ${member.username} as admin`
                : `Make ${member.username} admin`
            }
            onClick={() => onRole(member.role === 'admin' ? 'member' : 'admin')}
          >
            {member.role === 'admin' ? 'Dismiss admin' : 'Make admin'}
          </button>
          <button
            type="button"
            className="button button--small button--danger"
            disabled={busy}
            aria-label={`Remove ${member.username}`}
            onClick={onRemove}
          >
            Remove
          </button>
        </span>
      )}
    </li>
  );
}

function byRoleThenName(a: GroupMemberView, b: GroupMemberView): number {
  if (a.role !== b.role) return a.role === 'admin' ? -1 : 1;
  return a.username.localeCompare(b.username);
}
