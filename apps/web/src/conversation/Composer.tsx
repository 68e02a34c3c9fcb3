import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { AttachControls } from '../media/AttachControls.js';
import { UploadsBar } from '../media/UploadsBar.js';
import { Icon } from '../shell/Icon.js';
import { loadDraft, saveDraft } from './drafts.js';
import { useTypingSignal } from './use-typing-signal.js';
import { ComposerBanner } from '../rich/ComposerBanner.js';
import { useRichActions } from '../rich/rich-context.js';

const MAX_ROWS = 6;

/** Enter sends, Shift+Enter adds a line; the draft of each chat is kept until it is sent. */
export function Composer({ conversationId, title }: { conversationId: string; title: string }) {
  const messenger = useMessenger();
  const [text, setText] = useState(() => loadDraft(conversationId));
  const [error, setError] = useState<string | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal(conversationId);
  const errorId = useId();
  const rich = useRichActions();
  const mode = rich?.mode ?? null;
  /** The draft put aside while editing, given back when the edit ends. */
  const setAside = useRef<string | null>(null);

  useEffect(() => {
    const textarea = textareaRef.current;
    if (mode?.kind === 'edit') {
      setAside.current ??= text;
      setText(mode.message.body);
    } else if (setAside.current !== null) {
      setText(setAside.current);
      setAside.current = null;
    }
    textarea?.focus();
    // Only a change of mode moves the text (typing must not re-run this).
  }, [mode]);

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
    if (mode?.kind === 'edit') return; // an edit is not a draft, and not typing a new message
    saveDraft(conversationId, next);
    typing.typed(next);
  }

  function saveEdit(messageId: string, body: string) {
    rich?.setMode(null);
    messenger.editMessage(conversationId, messageId, body).catch((cause: unknown) => {
      setError(describeError(cause, 'message-action'));
    });
  }

  function send(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (body === '') return;
    if (mode?.kind === 'edit') return saveEdit(mode.message.id, body);
    const replyTo = mode?.kind === 'reply' ? mode.message.id : undefined;
    rich?.setMode(null);
    setText('');
    setError(null);
    saveDraft(conversationId, '');
    // Core stores the message before it resolves and queues it while offline, so the composer
    // clears at once; if core refuses it, the text comes back with the reason.
    messenger
      .sendText(conversationId, body, replyTo ? { replyTo } : undefined)
      .catch((cause: unknown) => {
        setText(body);
        saveDraft(conversationId, body);
        setError(describeError(cause, 'send'));
      });
    // After the message, so the 'stopped typing' signal never queues ahead of it.
    typing.stop();
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape' && mode) {
      event.preventDefault();
      rich?.setMode(null);
      return;
    }
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
      {mode && <ComposerBanner mode={mode} onCancel={() => rich?.setMode(null)} />}
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
          aria-label={mode?.kind === 'edit' ? 'Save edit' : 'Send message'}
          disabled={text.trim() === ''}
        >
          <Icon name={mode?.kind === 'edit' ? 'check' : 'send'} />
        </button>
      </div>
    </form>
  );
}
