import { useId, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { canDeleteForEveryone } from './message-rules.js';

/** "Delete for everyone" (own messages, within the window) or "Delete for me". */
export default function DeleteDialog({
  conversationId,
  message,
  onClose,
}: {
  conversationId: string;
  message: MessageView;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  const dialogRef = useModalDialog();
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const forEveryone = canDeleteForEveryone(message, Date.now());

  async function run(action: () => Promise<void>) {
    try {
      await action();
      dialogRef.current?.close();
    } catch (cause) {
      setError(describeError(cause, 'message-action'));
    }
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>Delete message?</h2>
      <p>
        {forEveryone
          ? 'Delete for everyone removes it from every device in this chat. Delete for me removes it from your devices only.'
          : 'It will be removed from your devices. Others in the chat keep it.'}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions dialog__actions--stack">
        <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
          Cancel
        </button>
        <button
          type="button"
          className="button"
          onClick={() => void run(() => messenger.deleteForMe(conversationId, [message.id]))}
        >
          Delete for me
        </button>
        {forEveryone && (
          <button
            type="button"
            className="button button--danger"
            onClick={() => void run(() => messenger.deleteForEveryone(conversationId, message.id))}
          >
            Delete for everyone
          </button>
        )}
      </div>
    </dialog>
  );
}
