import { useId, useState } from 'react';
import { DELETED_USERNAME_RESERVED_MS } from '@parley/protocol';
import { useMessenger } from '../messenger/messenger-context.js';
import { ConfirmDialog } from '../shell/ConfirmDialog.js';
import { TextField } from '../shell/TextField.js';

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
  const [typed, setTyped] = useState('');
  const id = useId();
  return (
    <ConfirmDialog
      title="Delete your account?"
      warning={
        <>
          <p>
            <strong>This can't be undone.</strong> Your account is deleted from the Parley server
            with all your devices, and every chat and message on this device is erased.
          </p>
          <p>
            You leave your groups, and your contacts are told that this account no longer exists;
            they can't message it. {usernameFreed()}
          </p>
        </>
      }
      confirmLabel="Delete account"
      busyLabel="Deleting…"
      action="delete-account"
      ready={typed.trim() === username}
      // Core's 'signed-out' event takes every tab to sign-up (use-start-over.ts).
      confirm={() => messenger.deleteAccount(typed.trim())}
      onClose={onClose}
    >
      {({ busy, clearError }) => (
        <TextField
          id={`${id}-username`}
          label={
            <>
              Type your username, <span className="account-dialog__username">{username}</span>, to
              confirm
            </>
          }
          value={typed}
          onChange={(value) => {
            setTyped(value);
            clearError();
          }}
          verbatim
          disabled={busy}
          autoFocus
        />
      )}
    </ConfirmDialog>
  );
}
