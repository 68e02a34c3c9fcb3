import { useSyncExternalStore } from 'react';
import type { CallMediaState } from './browser-call-media.js';
import { callMedia } from './call-media.js';

/** The call screen's view of the media side (streams, switches, quality). */
export function useCallMedia(): CallMediaState {
  return useSyncExternalStore(callMedia.subscribe, callMedia.getSnapshot);
}
