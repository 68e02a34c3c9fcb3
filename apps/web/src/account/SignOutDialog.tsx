import { useId, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';

/** Confirms signing this device out, saying plainly what is lost (Parley keeps no backup). */
export default function SignOutDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  const dialogRef = useModalDialog();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function signOut() {
    setBusy(true);
    setError(null);
    try {
      // Core's 'signed-out' event takes every tab to sign-up (use-start-over.ts).
      await messenger.signOut();
    } catch (cause) {
      setError(describeError(cause, 'sign-out'));
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
      <h2 id={`${id}-title`}>Sign out of this device?</h2>
      <div id={`${id}-warning`} className="account-dialog__warning">
        <p>
          This device's keys and all its chats and messages are deleted from this browser. They
          can't be recovered here.
        </p>
        <p>
          Parley keeps no backup. Your other linked devices keep your account and chats.{' '}
          <strong>If this is your only device, your account is deleted too</strong> and your
          username is freed.
        </p>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => void signOut()}
        >
          {busy ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </dialog>
  );
}
