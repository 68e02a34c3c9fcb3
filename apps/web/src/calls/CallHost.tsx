import { Suspense, useEffect } from 'react';
import { ChunkErrorBoundary } from '../app/ChunkErrorBoundary.js';
import { preloadable } from '../app/preloadable.js';
import { useCallError } from './call-error.js';
import { lazyCallMedia } from './lazy-call-media.js';
import { useCall } from './use-call.js';

/** The call screen and the browser's media side: a chunk fetched when idle or on the first call. */
export const callScreen = preloadable<object>(() =>
  import('./CallScreen.js').then((module) => ({ default: module.CallScreen })),
);
const CallScreen = callScreen.Component;

/**
 * Attaches the media side to core as the shell mounts, so this device rings even before the call
 * screen's chunk is there; the screen shows once there is a call (or a call error) to show.
 */
export function CallHost() {
  const { calls, call } = useCall();
  const error = useCallError();
  useEffect(() => calls?.attach(lazyCallMedia), [calls]);
  if (!call && !error) return null;
  return (
    <ChunkErrorBoundary>
      <Suspense fallback={null}>
        <CallScreen />
      </Suspense>
    </ChunkErrorBoundary>
  );
}
