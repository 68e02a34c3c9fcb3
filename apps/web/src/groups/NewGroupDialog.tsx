import { useId, useState, type FormEvent } from 'react';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { navigate } from '../app/route.js';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { normalizeUsername, usernameProblem } from '../signup/username-rules.js';
import { parseUsernames } from './usernames.js';

/** Name a group and pick its first members by username (a modal dialog). */
export default function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  const dialogRef = useModalDialog();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const name = title.trim();
    if (!name) return setError('Give the group a name.');
    const usernames = parseUsernames(members).map(normalizeUsername);
    if (usernames.length === 0) return setError('Add at least one member by username.');
    const problem = usernames.map(usernameProblem).find(Boolean);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const conversationId = await messenger.createGroup(name, usernames);
      onClose();
      navigate({ name: 'chat', conversationId });
    } catch (cause) {
      setError(describeError(cause, 'open-chat'));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>New group</h2>
        <label htmlFor={`${id}-name`} className="field-label">
          Group name
        </label>
        <input
          id={`${id}-name`}
          className="input"
          value={title}
          maxLength={128}
          onChange={(e) => {
            setTitle(e.target.value);
            setError(null);
          }}
          disabled={busy}
          autoFocus
        />
        <label htmlFor={`${id}-members`} className="field-label group-form__second">
          Members' usernames
        </label>
        <input
          id={`${id}-members`}
          className="input"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          autoComplete="off"
          placeholder="bob, carol"
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          value={members}
          onChange={(e) => {
            setMembers(e.target.value);
            setError(null);
          }}
          disabled={busy}
        />
        <p id={`${id}-hint`} className="group-form__hint">
          Separate usernames with commas or spaces. Up to 1,024 members.
        </p>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create group'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
