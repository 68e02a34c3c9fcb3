import {
  createContext,
  useCallback,
  useContext,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { Messenger, Observable } from './types.js';

const MessengerContext = createContext<Messenger | null>(null);

export function MessengerProvider({
  messenger,
  children,
}: {
  messenger: Messenger;
  children: ReactNode;
}) {
  return <MessengerContext.Provider value={messenger}>{children}</MessengerContext.Provider>;
}

export function useMessenger(): Messenger {
  const messenger = useContext(MessengerContext);
  if (!messenger) throw new Error('useMessenger() used outside <MessengerProvider>');
  return messenger;
}

/**
 * Reads one of core's observables. Core is the only owner of chats and messages: components
 * re-render from its snapshots and never keep a copy of their own.
 */
export function useObservable<T>(observable: Observable<T>): T {
  const subscribe = useCallback(
    (onChange: () => void) => observable.subscribe(onChange),
    [observable],
  );
  const getSnapshot = useCallback(() => observable.getSnapshot(), [observable]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
