import { useEffect, useState } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Icon } from './Icon.js';

/** A brief 'connecting' at start-up is normal; only say so when it lasts. */
const CONNECTING_NOTICE_DELAY_MS = 2_000;

/**
 * Tells the person when the relay can't be reached. Sending keeps working: core queues messages
 * and sends them when the connection is back, and the banner says exactly that.
 */
export function ConnectionBanner() {
  const messenger = useMessenger();
  const connection = useObservable(messenger.connection);
  const [connectingTooLong, setConnectingTooLong] = useState(false);

  useEffect(() => {
    if (connection !== 'connecting') return setConnectingTooLong(false);
    const timer = setTimeout(() => setConnectingTooLong(true), CONNECTING_NOTICE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [connection]);

  if (connection === 'offline') {
    return (
      <div
        className="connection-banner connection-banner--offline"
        role="alert"
        data-testid="connection-banner"
      >
        <Icon name="offline" size={18} />
        <span>
          <strong>Can't reach the Parley server.</strong> Messages you send will wait and go out
          when the connection is back.
        </span>
      </div>
    );
  }
  if (connection === 'connecting' && connectingTooLong) {
    return (
      <div className="connection-banner" role="status" data-testid="connection-banner">
        <span className="spinner" aria-hidden="true" />
        <span>Connecting to the Parley server…</span>
      </div>
    );
  }
  return null;
}
