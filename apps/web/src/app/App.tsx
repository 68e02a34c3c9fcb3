import { useStartOverWhenSignedOut } from '../account/use-start-over.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Suspense } from 'react';
import { ChatShell } from './ChatShell.js';
import { ChunkErrorBoundary } from './ChunkErrorBoundary.js';
import { preloadable } from './preloadable.js';

// Only a device without an account needs it (once): not part of a returning visit's start-up.
const SignUpScreen = preloadable<object>(() =>
  import('../signup/SignUpScreen.js').then((module) => ({ default: module.SignUpScreen })),
).Component;

/** A device without an account signs up; one with an account goes straight to its chats. */
export function App() {
  const messenger = useMessenger();
  const self = useObservable(messenger.self);
  useStartOverWhenSignedOut();
  if (self) return <ChatShell self={self} />;
  return (
    <ChunkErrorBoundary>
      {/* Nothing was on screen before the messenger started: the page stays empty a moment more. */}
      <Suspense fallback={null}>
        <SignUpScreen />
      </Suspense>
    </ChunkErrorBoundary>
  );
}
