import { useMessenger } from '../messenger/messenger-context.js';
import type { TransferView } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { formatSize } from './format-size.js';

/** A labelled progress bar with its byte count and a cancel button. */
export function TransferProgress({ transfer, label }: { transfer: TransferView; label: string }) {
  const messenger = useMessenger();
  const percent =
    transfer.bytesTotal > 0 ? Math.floor((transfer.bytesDone / transfer.bytesTotal) * 100) : 0;
  return (
    <div className="transfer" data-testid={`${transfer.direction}-progress`}>
      <progress
        className="transfer__bar"
        max={100}
        value={percent}
        aria-label={label}
        aria-valuetext={`${percent}%`}
      />
      <span className="transfer__bytes">
        {formatSize(transfer.bytesDone)} / {formatSize(transfer.bytesTotal)}
      </span>
      <button
        type="button"
        className="icon-button transfer__cancel"
        aria-label={`Cancel ${transfer.direction}`}
        onClick={() => messenger.cancelTransfer(transfer.id)}
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
