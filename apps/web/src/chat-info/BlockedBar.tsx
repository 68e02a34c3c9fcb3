import { useMessenger } from '../messenger/messenger-context.js';

/**
 * In place of the composer while this account blocks the chat's peer (on any of its devices):
 * nothing the peer sends reaches this account, so writing to them is not offered either.
 */
export function BlockedBar({ peerAccountId, title }: { peerAccountId: string; title: string }) {
  const messenger = useMessenger();
  return (
    <div className="request-bar" role="region" aria-label={`${title} is blocked`}>
      <p className="request-bar__text">
        You blocked <strong>{title}</strong>. Their messages do not reach you.
      </p>
      <div className="request-bar__actions">
        <button
          type="button"
          className="button button--primary"
          onClick={() =>
            void messenger.updateAccountSettings({ kind: 'unblock', accountId: peerAccountId })
          }
        >
          Unblock
        </button>
      </div>
    </div>
  );
}
