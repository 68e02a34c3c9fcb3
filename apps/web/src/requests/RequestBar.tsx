import { useState } from 'react';
import { navigate } from '../app/route.js';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { ConversationView } from '../messenger/types.js';
import './requests.css';

/**
 * In place of the composer while a chat is a message request: what accepting means, and the
 * three answers. Until Accept, core sends the stranger no read receipt and no typing indicator.
 * A group a stranger added this account to is a request too: Delete leaves it, Block blocks the
 * stranger and leaves.
 */
export function RequestBar({ conversation }: { conversation: ConversationView }) {
  const messenger = useMessenger();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const name = conversation.title;

  async function answer(action: 'accept' | 'delete' | 'block') {
    setBusy(true);
    setError(null);
    try {
      if (action === 'accept') await messenger.acceptMessageRequest(conversation.id);
      else if (action === 'delete') await messenger.deleteMessageRequest(conversation.id);
      else await messenger.blockMessageRequest(conversation.id);
      if (action !== 'accept') navigate({ name: 'chats' });
    } catch (cause) {
      setError(describeError(cause, 'request'));
    } finally {
      setBusy(false);
    }
  }

  const inviter = conversation.invitedBy;
  return (
    <div
      className="request-bar"
      role="region"
      aria-label={inviter ? `Group invitation from ${inviter}` : `Message request from ${name}`}
    >
      {inviter ? (
        <p className="request-bar__text">
          <strong>{inviter}</strong> added you to this group and isn't in your chats. Join to reply;
          until then the members don't know you've seen messages. Delete leaves the group; Block
          also stops {inviter}'s messages.
        </p>
      ) : (
        <p className="request-bar__text">
          <strong>{name}</strong> isn't in your chats yet. Accept to reply; until then they don't
          know you've seen their messages. Block to stop their messages.
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="request-bar__actions">
        <button
          type="button"
          className="button button--danger"
          disabled={busy}
          onClick={() => void answer('block')}
        >
          Block
        </button>
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => void answer('delete')}
        >
          Delete
        </button>
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => void answer('accept')}
        >
          {inviter ? 'Join' : 'Accept'}
        </button>
      </div>
    </div>
  );
}

/** In place of the composer when the peer deleted their account. */
export function DeletedAccountBar() {
  return (
    <p className="request-bar request-bar__gone" role="status">
      This account no longer exists. You can't send messages to this chat.
    </p>
  );
}
