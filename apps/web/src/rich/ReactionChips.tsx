import { useMessenger } from '../messenger/messenger-context.js';
import type { MessageView } from '../messenger/types.js';
import { useRichActions } from './rich-context.js';

/** Reactions under a bubble: emoji and count; the label names who reacted; a tap toggles mine. */
export function ReactionChips({ message }: { message: MessageView }) {
  const messenger = useMessenger();
  const rich = useRichActions();
  if (!message.reactions?.length) return null;
  return (
    <div className="reactions" data-testid="reactions">
      {message.reactions.map((reaction) => {
        const names = reaction.usernames;
        return (
          <button
            key={reaction.emoji}
            type="button"
            className={`reactions__chip ${reaction.mine ? 'reactions__chip--mine' : ''}`}
            aria-pressed={reaction.mine}
            aria-label={`${reaction.emoji} ${reaction.count}: ${names.join(', ')}${reaction.mine ? ' (tap to remove yours)' : ''}`}
            title={names.join(', ')}
            onClick={() =>
              void messenger
                .react(message.conversationId, message.id, reaction.mine ? null : reaction.emoji)
                .catch(() => rich?.announce("The reaction couldn't be changed"))
            }
          >
            <span aria-hidden="true">{reaction.emoji}</span>
            <span className="reactions__count" aria-hidden="true">
              {reaction.count}
            </span>
          </button>
        );
      })}
    </div>
  );
}
