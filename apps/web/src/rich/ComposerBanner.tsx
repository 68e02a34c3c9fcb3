import { Icon } from '../shell/Icon.js';
import type { ComposerMode } from './rich-context.js';
import { messageSummary } from './message-rules.js';

/** Above the composer: the message being replied to or edited, with a way out (or Escape). */
export function ComposerBanner({
  mode,
  onCancel,
}: {
  mode: NonNullable<ComposerMode>;
  onCancel(): void;
}) {
  const { message } = mode;
  const title =
    mode.kind === 'edit'
      ? 'Editing message'
      : `Replying to ${message.outgoing ? 'yourself' : message.senderName}`;
  return (
    <div className={`composer-banner composer-banner--${mode.kind}`} data-testid="composer-banner">
      <Icon name={mode.kind === 'edit' ? 'edit' : 'reply'} size={18} />
      <div className="composer-banner__text">
        <span className="composer-banner__title">{title}</span>
        <span className="composer-banner__body">{messageSummary(message)}</span>
      </div>
      <button
        type="button"
        className="icon-button"
        aria-label={mode.kind === 'edit' ? 'Cancel editing' : 'Cancel reply'}
        onClick={onCancel}
      >
        <Icon name="close" size={18} />
      </button>
    </div>
  );
}
