import { useId } from 'react';
import { formatFullTime } from '../format/time.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';

/** When the message was sent, its status, and (edited) every version of its text. */
export default function MessageInfoDialog({
  conversationId,
  message,
  onClose,
}: {
  conversationId: string;
  message: MessageView;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  // Re-read on every change of the chat: a new edit shows while the dialog is open.
  useObservable(messenger.messages(conversationId));
  const dialogRef = useModalDialog();
  const id = useId();
  let versions: readonly { body: string; at: number }[] = [];
  try {
    // A desktop renderer's mirror answers undefined until the backend's first answer arrives.
    versions =
      (messenger.messageHistory(conversationId, message.id) as typeof versions | undefined) ?? [];
  } catch {
    versions = [];
  }
  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>Message info</h2>
      <dl className="message-info">
        <dt>From</dt>
        <dd>{message.outgoing ? 'You' : message.senderName}</dd>
        <dt>Sent</dt>
        <dd>{formatFullTime(message.sentAt)}</dd>
        {message.outgoing && (
          <>
            <dt>Status</dt>
            <dd>{message.status}</dd>
          </>
        )}
      </dl>
      {versions.length > 1 && (
        <section aria-labelledby={`${id}-history`}>
          <h3 id={`${id}-history`} className="message-info__heading">
            Edit history
          </h3>
          <ol className="edit-history" data-testid="edit-history">
            {versions.map((version, index) => (
              <li key={`${version.at}-${index}`}>
                <span className="edit-history__label">
                  {index === 0 ? 'Original' : `Edit ${index}`} · {formatFullTime(version.at)}
                </span>
                <span className="edit-history__body">{version.body}</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      <div className="dialog__actions">
        <button
          type="button"
          className="button button--primary"
          onClick={() => dialogRef.current?.close()}
        >
          Close
        </button>
      </div>
    </dialog>
  );
}
