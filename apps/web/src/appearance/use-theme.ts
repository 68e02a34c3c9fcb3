import { useEffect } from 'react';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { applyTheme } from './theme.js';

/** Applies the account's theme setting to the page as soon as it changes (on any device). */
export function useTheme(): void {
  const messenger = useMessenger();
  const { theme } = useObservable(messenger.accountSettings);
  useEffect(() => applyTheme(theme), [theme]);
}
