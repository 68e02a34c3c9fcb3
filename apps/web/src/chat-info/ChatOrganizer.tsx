import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Icon } from '../shell/Icon.js';

/** Pin and archive switches of one chat (account settings: every device of the account). */
export function ChatOrganizer({ conversationId }: { conversationId: string }) {
  const messenger = useMessenger();
  const settings = useObservable(messenger.accountSettings);
  const chat = settings.chats[conversationId];
  const pinned = chat?.pinned ?? false;
  const archived = chat?.archived ?? false;
  const set = (change: { pinned?: boolean; archived?: boolean }) =>
    void messenger.updateAccountSettings({ kind: 'set-chat', conversationId, ...change });

  return (
    <div className="chat-organizer" role="group" aria-label="Organize this chat">
      <button
        type="button"
        className="button button--small chat-organizer__toggle"
        aria-pressed={pinned}
        onClick={() => set({ pinned: !pinned })}
      >
        <Icon name="pin" size={16} /> {pinned ? 'Pinned' : 'Pin chat'}
      </button>
      <button
        type="button"
        className="button button--small chat-organizer__toggle"
        aria-pressed={archived}
        onClick={() => set({ archived: !archived })}
      >
        <Icon name="archive" size={16} /> {archived ? 'Archived' : 'Archive chat'}
      </button>
    </div>
  );
}
