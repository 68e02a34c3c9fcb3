import { useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { ImageViewer } from '../media/ImageViewer.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import './disappearing.css';

/**
 * View-once media in a bubble. Nothing of it shows before it is opened (no thumbnail travels);
 * the recipient opens it once in the viewer, after which it reads "Opened". Its author sees
 * that it was sent as view-once and cannot open it.
 */
export function ViewOnceAttachment({ message }: { message: MessageView }) {
  const messenger = useMessenger();
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const pointer = message.attachments?.find((attachment) => attachment.viewOnce);
  const what = pointer?.kind === 'video' ? 'video' : 'photo';

  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  async function open(): Promise<void> {
    setOpening(true);
    setError(null);
    try {
      const bytes = await messenger.openViewOnce(message.conversationId, message.id);
      setUrl(URL.createObjectURL(new Blob([bytes], { type: pointer?.contentType ?? '' })));
    } catch (cause) {
      setError(describeError(cause, 'view-once'));
    } finally {
      setOpening(false);
    }
  }

  const viewer = url && (
    <ImageViewer url={url} name={`View-once ${what}`} onClose={() => setUrl(null)} />
  );
  if (message.viewOnce === 'opened' || !pointer) {
    return (
      <>
        <p className="view-once view-once--opened" data-testid="view-once-opened">
          <Icon name="view-once" size={18} /> Opened
        </p>
        {viewer}
      </>
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
