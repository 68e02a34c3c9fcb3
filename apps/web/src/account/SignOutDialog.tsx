import { useMessenger } from '../messenger/messenger-context.js';
import { ConfirmDialog } from '../shell/ConfirmDialog.js';

/** Confirms signing this device out, saying plainly what is lost (Parley keeps no backup). */
export default function SignOutDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  return (
    <ConfirmDialog
      title="Sign out of this device?"
      warning={
        <>
          <p>
            This device's keys and all its chats and messages are deleted from this browser. They
            can't be recovered here.
          </p>
          <p>
            Parley keeps no backup. Your other linked devices keep your account and chats.{' '}
            <strong>If this is your only device, your account is deleted too</strong> and your
            username is freed.
          </p>
        </>
      }
      confirmLabel="Sign out"
      busyLabel="Signing out…"
      action="sign-out"
      // Core's 'signed-out' event takes every tab to sign-up (use-start-over.ts).
      confirm={() => messenger.signOut()}
      onClose={onClose}
    />
  );
}
