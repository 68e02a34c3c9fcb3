import { useId, useState, type FormEvent } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { messageSummary } from './message-rules.js';

/** Pick another chat and send it a copy of the message, marked "Forwarded". */
export default function ForwardDialog({
  conversationId,
  message,
  onClose,
}: {
  conversationId: string;
  message: MessageView;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  const chats = useObservable(messenger.conversationList).filter(
    (chat) => chat.id !== conversationId && !chat.request && !chat.peerDeleted,
  );
  const dialogRef = useModalDialog();
  const [target, setTarget] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!target) return;
    setBusy(true);
    try {
      await messenger.forwardMessage(conversationId, message.id, target);
      dialogRef.current?.close();
    } catch (cause) {
      setError(describeError(cause, 'send'));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>Forward message</h2>
        <p className="rich-dialog__preview">{messageSummary(message)}</p>
        {chats.length === 0 ? (
          <p>There is no other chat to forward to yet.</p>
        ) : (
          <fieldset className="forward-list">
            <legend className="field-label">Send to</legend>
            {chats.map((chat) => (
              <label key={chat.id} className="forward-list__chat">
                <input
                  type="radio"
                  name={`${id}-target`}
                  value={chat.id}
                  checked={target === chat.id}
                  onChange={() => setTarget(chat.id)}
                />
                {chat.title}
              </label>
            ))}
          </fieldset>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={!target || busy}>
            Forward
          </button>
        </div>
      </form>
    </dialog>
  );
}
