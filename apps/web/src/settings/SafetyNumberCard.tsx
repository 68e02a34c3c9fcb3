import { useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { SafetyNumber } from '../messenger/types.js';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';

/** 60 digits shown as 12 blocks of 5, as Signal apps do, so two people can read them aloud. */
export function safetyNumberBlocks(displayable: string): string[] {
  return displayable.match(/\d{5}/g) ?? [];
}

type State =
  | { status: 'loading' }
  | { status: 'ready'; number: SafetyNumber }
  | { status: 'error'; message: string };

export function SafetyNumberCard({ username }: { username: string }) {
  const messenger = useMessenger();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    messenger.safetyNumber(username).then(
      (number) => !cancelled && setState({ status: 'ready', number }),
      (cause: unknown) =>
        !cancelled && setState({ status: 'error', message: describeError(cause, 'safety-number') }),
    );
    return () => {
      cancelled = true;
    };
  }, [messenger, username]);

  async function toggleVerified(number: SafetyNumber) {
    setBusy(true);
    try {
      await messenger.markVerified(username, !number.verified);
      setState({ status: 'ready', number: { ...number, verified: !number.verified } });
    } catch (cause) {
      setState({ status: 'error', message: describeError(cause, 'verify') });
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="safety-card" aria-label={`Safety number with ${username}`}>
      <header className="safety-card__header">
        <Avatar name={username} size={32} />
        <span className="safety-card__name">{username}</span>
        {state.status === 'ready' && state.number.verified && (
          <span className="verified-badge">
            <Icon name="shield" size={14} /> Verified
          </span>
        )}
      </header>
      {state.status === 'loading' && <p role="status">Computing safety number…</p>}
      {state.status === 'error' && (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      )}
      {state.status === 'ready' && (
        <>
          <p
            className="safety-number"
            data-testid="safety-number"
            aria-label={`Safety number: ${safetyNumberBlocks(state.number.displayable).join(' ')}`}
          >
            {safetyNumberBlocks(state.number.displayable).map((block, index) => (
              <span key={index}>{block}</span>
            ))}
          </p>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void toggleVerified(state.number)}
          >
            {state.number.verified ? 'Clear verification' : 'Mark as verified'}
          </button>
        </>
      )}
    </article>
  );
}
