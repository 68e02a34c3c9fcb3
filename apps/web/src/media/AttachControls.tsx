import { useEffect, useRef, useState, type RefObject } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { Icon } from '../shell/Icon.js';
import { formatDuration } from './format-size.js';
import { prepareAttachment } from './prepare-attachment.js';
import { useVoiceRecorder } from './use-voice-recorder.js';

/**
 * The composer's media controls: the attach button (a file picker), paste and drag-and-drop of
 * files anywhere in the chat, and the voice recorder.
 */
export function AttachControls({
  conversationId,
  textarea,
  onError,
}: {
  conversationId: string;
  textarea: RefObject<HTMLTextAreaElement | null>;
  /** A refusal or failure in words (null clears it). */
  onError: (message: string | null) => void;
}) {
  const messenger = useMessenger();
  const picker = useRef<HTMLInputElement>(null);
  const anchor = useRef<HTMLSpanElement>(null);
  const recorder = useVoiceRecorder();
  // Pressed, the next photo or video goes as view-once (disappearing/), then it springs back.
  const [viewOnce, setViewOnce] = useState(false);

  async function sendFiles(files: readonly File[]): Promise<void> {
    onError(null);
    setViewOnce(false);
    await Promise.all(
      files.map(async (file) => {
        try {
          const prepared = await prepareAttachment(file);
          const once = viewOnce && /^(image|video)\//.test(file.type);
          await messenger.sendAttachment(
            conversationId,
            once ? { ...prepared, viewOnce: true } : prepared,
          );
        } catch (cause) {
          // Refusals are listed with the upload too; the ones before any upload show here.
          if ((cause as { code?: string }).code !== 'TRANSFER_CANCELLED') {
            onError(describeError(cause, 'attach'));
          }
        }
      }),
    );
  }

  // Paste into the text field, drop anywhere in the open chat.
  useEffect(() => {
    const field = textarea.current;
    const chat = anchor.current?.closest('.conversation');
    const paste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      void sendFiles(files);
    };
    const over = (event: Event) => {
      const drag = event as DragEvent;
      if (drag.dataTransfer?.types.includes('Files')) drag.preventDefault();
    };
    const drop = (event: Event) => {
      const files = [...((event as DragEvent).dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      void sendFiles(files);
    };
    field?.addEventListener('paste', paste);
    chat?.addEventListener('dragover', over);
    chat?.addEventListener('drop', drop);
    return () => {
      field?.removeEventListener('paste', paste);
      chat?.removeEventListener('dragover', over);
      chat?.removeEventListener('drop', drop);
    };
  });

  async function toggleRecording(): Promise<void> {
    onError(null);
    try {
      if (recorder.state.kind === 'idle') return await recorder.start();
      const voice = await recorder.stop(true);
      if (voice) await messenger.sendAttachment(conversationId, voice);
    } catch (cause) {
      onError(describeError(cause, 'record'));
    }
  }

  const recording = recorder.state.kind === 'recording';
  return (
    <span ref={anchor} className="attach-controls">
      <input
        ref={picker}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          void sendFiles([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
      <button
        type="button"
        className="icon-button"
        aria-label="Attach files"
        onClick={() => picker.current?.click()}
      >
        <Icon name="attach" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Send the next photo or video as view once"
        aria-pressed={viewOnce}
        onClick={() => setViewOnce((value) => !value)}
      >
        <Icon name="view-once" />
      </button>
      {recording && (
        <span className="recording" role="status" data-testid="recording-time">
          Recording{' '}
          {formatDuration(recorder.state.kind === 'recording' ? recorder.state.elapsedMs : 0)}
          <button
            type="button"
            className="recording__cancel"
            onClick={() => void recorder.stop(false)}
          >
            Cancel
          </button>
        </span>
      )}
      <button
        type="button"
        className={`icon-button${recording ? ' icon-button--recording' : ''}`}
        aria-label={recording ? 'Stop and send voice message' : 'Record voice message'}
        onClick={() => void toggleRecording()}
      >
        <Icon name={recording ? 'stop' : 'mic'} />
      </button>
    </span>
  );
}
