import { useId, useState } from 'react';
import { navigate } from '../app/route.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { FormDialog } from '../shell/FormDialog.js';
import { TextField } from '../shell/TextField.js';
import { useSubmission } from '../shell/use-submission.js';
import { normalizeUsername, usernameProblem } from '../signup/username-rules.js';
import { parseUsernames } from './usernames.js';

/** Name a group and pick its first members by username (a modal dialog). */
export default function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState('');
  const { busy, error, run, report } = useSubmission('open-chat');
  const id = useId();

  function submit() {
    const name = title.trim();
    if (!name) return report('Give the group a name.');
    const usernames = parseUsernames(members).map(normalizeUsername);
    if (usernames.length === 0) return report('Add at least one member by username.');
    const problem = usernames.map(usernameProblem).find(Boolean);
    if (problem) return report(problem);
    void run(async () => {
      const conversationId = await messenger.createGroup(name, usernames);
      onClose();
      navigate({ name: 'chat', conversationId });
    });
  }

  return (
    <FormDialog
      id={id}
      title="New group"
      error={error}
      submitLabel="Create group"
      busyLabel="Creating…"
      busy={busy}
      onSubmit={submit}
      onClose={onClose}
    >
      <TextField
        id={`${id}-name`}
        label="Group name"
        value={title}
        maxLength={128}
        onChange={(value) => {
          setTitle(value);
          report(null);
        }}
        disabled={busy}
        autoFocus
      />
      <TextField
        id={`${id}-members`}
        label="Members' usernames"
        verbatim
        placeholder="bob, carol"
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        value={members}
        onChange={(value) => {
          setMembers(value);
          report(null);
        }}
        disabled={busy}
      />
      <p id={`${id}-hint`} className="field-hint">
        Separate usernames with commas or spaces. Up to 1,024 members.
      </p>
    </FormDialog>
  );
}
