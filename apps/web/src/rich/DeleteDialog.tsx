import { useId } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { FormDialog } from '../shell/FormDialog.js';
import { useSubmission } from '../shell/use-submission.js';
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
  const { busy, error, run } = useSubmission('message-action');
  const id = useId();
  const forEveryone = canDeleteForEveryone(message, Date.now());
  const deleteForMe = () =>
    void run(async () => {
      await messenger.deleteForMe(conversationId, [message.id]);
      onClose();
    });

  return (
    <FormDialog
      id={id}
      title="Delete message?"
      warning={
        forEveryone
          ? 'Delete for everyone removes it from every device in this chat. Delete for me removes it from your devices only.'
          : 'It will be removed from your devices. Others in the chat keep it.'
      }
      error={error}
      submitLabel={forEveryone ? 'Delete for everyone' : 'Delete for me'}
      busyLabel="Deleting…"
      busy={busy}
      {...(forEveryone ? { alternative: { label: 'Delete for me', onClick: deleteForMe } } : {})}
      onSubmit={
        forEveryone
          ? () =>
              void run(async () => {
                await messenger.deleteForEveryone(conversationId, message.id);
                onClose();
              })
          : deleteForMe
      }
      onClose={onClose}
    />
  );
}
