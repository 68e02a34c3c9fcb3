import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { HistoryTransferView } from '../messenger/types.js';
import './linking.css';

function describe(view: HistoryTransferView): string {
  const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  const chats = (n: number) => `${n} chat${n === 1 ? '' : 's'}`;
  if (view.state === 'failed')
    return view.direction === 'sending'
      ? "Your chats couldn't be sent to the new device. New messages still reach it."
      : "Older chats couldn't be brought over. New messages still arrive here.";
  if (view.direction === 'sending')
    return view.state === 'done'
      ? `Sent ${chats(view.chatsTotal)} to the new device.`
      : `Sending your chats to the new device… ${mb(view.bytesDone)} of ${mb(view.bytesTotal)} MB`;
  if (view.state === 'downloading')
    return `Bringing your chats over… ${mb(view.bytesDone)} of ${mb(view.bytesTotal)} MB`;
  return `Bringing your chats over… ${view.chatsDone} of ${chats(view.chatsTotal)}`;
}

/**
 * The history transfer of a link (core's linkHistory), on either device: a progress bar while it
 * runs, a sentence when it failed. The new device stays usable meanwhile, newest chats first.
 */
export function HistoryProgress({ showDone = false }: { showDone?: boolean }) {
  const messenger = useMessenger();
  const view = useObservable(messenger.linkHistory);
  if (!view || (view.state === 'done' && !showDone)) return null;
  const [done, total] =
    view.direction === 'receiving' && view.state !== 'downloading'
      ? [view.chatsDone, view.chatsTotal]
      : [view.bytesDone, view.bytesTotal];
  const label = describe(view);
  return (
    <div className="history-progress" role="status">
      <p>{label}</p>
      {view.state !== 'failed' && view.state !== 'done' && (
        <progress aria-label={label} max={Math.max(total, 1)} value={done} />
      )}
    </div>
  );
}
