import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { TransferProgress } from './TransferProgress.js';

/** This chat's uploads in progress (and failed ones, with the reason), above the composer. */
export function UploadsBar({ conversationId }: { conversationId: string }) {
  const messenger = useMessenger();
  const uploads = useObservable(messenger.transfers).filter(
    (t) => t.direction === 'upload' && t.conversationId === conversationId,
  );
  if (uploads.length === 0) return null;
  return (
    <ul className="uploads" aria-label="Uploads">
      {uploads.map((upload) => (
        <li key={upload.id} className="uploads__item">
          <span className="uploads__name">{upload.fileName ?? labelOf(upload.kind)}</span>
          {upload.state === 'failed' ? (
            <span role="alert" className="uploads__error">
              {describeError({ code: upload.error }, 'attach')}
              <button
                type="button"
                className="icon-button"
                aria-label="Dismiss"
                onClick={() => messenger.cancelTransfer(upload.id)}
              >
                ×
              </button>
            </span>
          ) : (
            <TransferProgress
              transfer={upload}
              label={`Uploading ${upload.fileName ?? labelOf(upload.kind)}`}
            />
          )}
        </li>
      ))}
    </ul>
  );
}

const labelOf = (kind: string) =>
  kind === 'voice' ? 'Voice message' : kind === 'image' ? 'Photo' : 'File';
