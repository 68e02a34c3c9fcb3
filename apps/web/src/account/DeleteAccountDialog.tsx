import { useId, useState, type FormEvent } from 'react';
import { DELETED_USERNAME_RESERVED_MS } from '@parley/protocol';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';

/** When a deleted account's username can be registered again, in words. */
function usernameFreed(): string {
  if (DELETED_USERNAME_RESERVED_MS === 0)
    return 'Your username is freed at once: anyone can take it.';
  const days = Math.round(DELETED_USERNAME_RESERVED_MS / 86_400_000);
  return `Your username stays reserved for ${days} days, then anyone can take it.`;
}

/**
 * Deleting the account: a stronger confirmation than signing out, as Signal and WhatsApp ask for
 * one: the person types their username before the button does anything.
 */
export default function DeleteAccountDialog({
  username,
  onClose,
}: {
  username: string;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  const dialogRef = useModalDialog();
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const matches = typed.trim() === username;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(null);
    try {
      // Core's 'signed-out' event takes every tab to sign-up (use-start-over.ts).
      await messenger.deleteAccount(typed.trim());
    } catch (cause) {
      setError(describeError(cause, 'delete-account'));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog account-dialog"
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-warning`}
      onClose={onClose}
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>Delete your account?</h2>
        <div id={`${id}-warning`} className="account-dialog__warning">
          <p>
            <strong>This can't be undone.</strong> Your account is deleted from the Parley server
            with all your devices, and every chat and message on this device is erased.
          </p>
          <p>
            You leave your groups, and your contacts are told that this account no longer exists;
            they can't message it. {usernameFreed()}
          </p>
        </div>
        <label htmlFor={`${id}-username`} className="field-label">
          Type your username, <span className="account-dialog__username">{username}</span>, to
          confirm
        </label>
        <input
          id={`${id}-username`}
          className="account-dialog__input"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          autoComplete="off"
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setError(null);
          }}
          disabled={busy}
          autoFocus
        />
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={!matches || busy}>
            {busy ? 'Deleting…' : 'Delete account'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
