import { useId, useState } from 'react';
import { navigate } from '../app/route.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { FormDialog } from '../shell/FormDialog.js';
import { TextField } from '../shell/TextField.js';
import { useSubmission } from '../shell/use-submission.js';
import { normalizeUsername, usernameProblem } from '../signup/username-rules.js';

/** Find someone by username and open the chat with them (a modal dialog: focus stays inside). */
export default function NewChatDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  const self = useObservable(messenger.self);
  const [input, setInput] = useState('');
  const { busy, error, run, report } = useSubmission('open-chat');
  const id = useId();

  function submit() {
    const username = normalizeUsername(input);
    const problem = usernameProblem(username);
    if (problem) return report(problem);
    if (username === self?.username) return report("That's you. Enter a friend's username.");
    void run(async () => {
      const conversationId = await messenger.openDirectConversation(username);
      onClose();
      navigate({ name: 'chat', conversationId });
    });
  }

  return (
    <FormDialog
      id={id}
      title="New chat"
      error={error}
      submitLabel="Start chat"
      busyLabel="Looking up…"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextField
        id={`${id}-username`}
        label="Their username"
        prefix="@"
        verbatim
        value={input}
        onChange={(value) => {
          setInput(value);
          report(null);
        }}
        invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        disabled={busy}
        autoFocus
      />
    </FormDialog>
  );
}
