import { useId, useState, type FormEvent } from 'react';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { navigate } from '../app/route.js';
import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { normalizeUsername, usernameProblem } from '../signup/username-rules.js';

/** Find someone by username and open the chat with them (a modal dialog: focus stays inside). */
export default function NewChatDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  const self = useObservable(messenger.self);
  const dialogRef = useModalDialog();
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const username = normalizeUsername(input);
    const problem = usernameProblem(username);
    if (problem) return setError(problem);
    if (username === self?.username) return setError("That's you. Enter a friend's username.");
    setBusy(true);
    setError(null);
    try {
      const conversationId = await messenger.openDirectConversation(username);
      onClose();
      navigate({ name: 'chat', conversationId });
    } catch (cause) {
      setError(describeError(cause, 'open-chat'));
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>New chat</h2>
        <label htmlFor={`${id}-username`} className="field-label">
          Their username
        </label>
        <div className={`input-with-prefix ${error ? 'input--invalid' : ''}`}>
          <span aria-hidden="true">@</span>
          <input
            id={`${id}-username`}
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            autoComplete="off"
            value={input}
            onChange={(e) => {
              setInput(e.target.value);
              setError(null);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            disabled={busy}
            autoFocus
          />
        </div>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Looking up…' : 'Start chat'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
