import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { AttachControls } from '../media/AttachControls.js';
import { UploadsBar } from '../media/UploadsBar.js';
import { Icon } from '../shell/Icon.js';
import { loadDraft, saveDraft } from './drafts.js';
import { useTypingSignal } from './use-typing-signal.js';

const MAX_ROWS = 6;

/** Enter sends, Shift+Enter adds a line; the draft of each chat is kept until it is sent. */
export function Composer({ conversationId, title }: { conversationId: string; title: string }) {
  const messenger = useMessenger();
  const [text, setText] = useState(() => loadDraft(conversationId));
  const [error, setError] = useState<string | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal(conversationId);
  const errorId = useId();

  useEffect(() => {
    const textarea = textareaRef.current;
    if (!textarea) return;
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }, []);

  useEffect(() => {
    // Grow with the text up to MAX_ROWS, then scroll inside.
    const textarea = textareaRef.current;
    if (!textarea) return;
    textarea.style.height = 'auto';
    const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 20;
    textarea.style.height = `${Math.min(textarea.scrollHeight, lineHeight * MAX_ROWS + 20)}px`;
  }, [text]);

  function change(next: string) {
    setText(next);
    setError(null);
    saveDraft(conversationId, next);
    typing.typed(next);
  }

  function send(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (body === '') return;
    setText('');
    setError(null);
    saveDraft(conversationId, '');
    // Core stores the message before it resolves and queues it while offline, so the composer
    // clears at once; if core refuses it, the text comes back with the reason.
    messenger.sendText(conversationId, body).catch((cause: unknown) => {
      setText(body);
      saveDraft(conversationId, body);
      setError(describeError(cause, 'send'));
    });
    // After the message, so the 'stopped typing' signal never queues ahead of it.
    typing.stop();
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form className="composer" onSubmit={send}>
      {error && (
        <p id={errorId} className="composer__error" role="alert">
          {error}
        </p>
      )}
      <UploadsBar conversationId={conversationId} />
      <div className="composer__row">
        <AttachControls conversationId={conversationId} textarea={textareaRef} onError={setError} />
        <textarea
          ref={textareaRef}
          className="composer__input"
          rows={1}
          value={text}
          placeholder="Message"
          aria-label={`Message to ${title}`}
          aria-describedby={error ? errorId : undefined}
          onChange={(e) => change(e.target.value)}
          onKeyDown={keyDown}
          onBlur={() => typing.stop()}
        />
        <button
          type="submit"
          className="composer__send"
          aria-label="Send message"
          disabled={text.trim() === ''}
        >
          <Icon name="send" />
        </button>
      </div>
    </form>
  );
}
