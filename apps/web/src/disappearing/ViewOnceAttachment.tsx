import { useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { showViewOnce } from './view-once-viewer.js';
import './disappearing.css';

/**
 * View-once media in a bubble. Nothing of it shows before it is opened (no thumbnail travels);
 * the recipient opens it once in the viewer, after which it reads "Opened". Its author sees
 * that it was sent as view-once and cannot open it.
 */
export function ViewOnceAttachment({ message }: { message: MessageView }) {
  const messenger = useMessenger();
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const pointer = message.attachments?.find((attachment) => attachment.viewOnce);
  const what = pointer?.kind === 'video' ? 'video' : 'photo';

  async function open(): Promise<void> {
    setOpening(true);
    setError(null);
    try {
      const bytes = await messenger.openViewOnce(message.conversationId, message.id);
      showViewOnce(bytes, pointer?.contentType ?? '', `View-once ${what}`);
    } catch (cause) {
      setError(describeError(cause, 'view-once'));
    } finally {
      setOpening(false);
    }
  }

  if (message.viewOnce === 'opened' || !pointer) {
    return (
      <p className="view-once view-once--opened" data-testid="view-once-opened">
        <Icon name="view-once" size={18} /> Opened
      </p>
    );
  }
  if (message.outgoing) {
    return (
      <p className="view-once" data-testid="view-once-sent">
        <Icon name="view-once" size={18} /> View-once {what}
      </p>
    );
  }
  return (
    <>
      <button
        type="button"
        className="view-once view-once--button"
        disabled={opening}
        onClick={() => void open()}
      >
        <Icon name="view-once" size={18} /> {opening ? 'Opening…' : `Open view-once ${what}`}
      </button>
      {error && (
        <p role="alert" className="attachment__error">
          {error}
        </p>
      )}
    </>
  );
}
