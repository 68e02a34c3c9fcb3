import { useId, useState } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { FormDialog } from '../shell/FormDialog.js';
import { useSubmission } from '../shell/use-submission.js';
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
  const [target, setTarget] = useState<string | null>(null);
  const { busy, error, run } = useSubmission('send');
  const id = useId();

  function forward() {
    if (!target) return;
    void run(async () => {
      await messenger.forwardMessage(conversationId, message.id, target);
      onClose();
    });
  }

  return (
    <FormDialog
      id={id}
      title="Forward message"
      error={error}
      submitLabel="Forward"
      busyLabel="Forwarding…"
      busy={busy}
      ready={target !== null}
      onSubmit={forward}
      onClose={onClose}
    >
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
    </FormDialog>
  );
}
