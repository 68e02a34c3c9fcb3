import { useStartOverWhenSignedOut } from '../account/use-start-over.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { SignUpScreen } from '../signup/SignUpScreen.js';
import { ChatShell } from './ChatShell.js';

/** A device without an account signs up; one with an account goes straight to its chats. */
export function App() {
  const messenger = useMessenger();
  const self = useObservable(messenger.self);
  useStartOverWhenSignedOut();
  return self ? <ChatShell self={self} /> : <SignUpScreen />;
}
