import { useEffect } from 'react';
import { useMessenger } from '../messenger/messenger-context.js';
import { startOver } from './leave-device.js';

/**
 * Core's 'signed-out' event (this device signed out or its account was deleted) takes the app back
 * to sign-up, in the tab that asked and in every tab that gets the event from it.
 */
export function useStartOverWhenSignedOut(): void {
  const messenger = useMessenger();
  useEffect(
    () =>
      messenger.on((event) => {
        if (event.type === 'signed-out') startOver(event.reason);
      }),
    [messenger],
  );
}
