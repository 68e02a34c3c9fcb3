import type { MessageView } from '../messenger/types.js';
import { useRichActions } from './rich-context.js';
import { messageSummary } from './message-rules.js';

type Quote = NonNullable<MessageView['replyTo']>;

/** The quoted message at the top of a reply; activating it jumps to the original. */
export function QuoteBlock({ quote }: { quote: Quote }) {
  const rich = useRichActions();
  const text = quote.missing ? 'Original message not found' : messageSummary(quote);
  const who = quote.missing ? '' : quote.senderName;
  return (
    <button
      type="button"
      className={`quote ${quote.deleted || quote.missing ? 'quote--gone' : ''}`}
      aria-label={`Reply to ${who ? `${who}: ` : ''}${text}. Jump to the original`}
      disabled={quote.missing}
      onClick={() => rich?.jumpTo(quote.messageId)}
    >
      {who && <span className="quote__sender">{who}</span>}
      <span className="quote__text">{text}</span>
    </button>
  );
}
