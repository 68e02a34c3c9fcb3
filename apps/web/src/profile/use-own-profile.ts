import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { Profile } from '../messenger/types.js';

/** This account's profile as its devices share it; null until a name was set. */
export function useOwnProfile(): Profile | null {
  return useObservable(useMessenger().profiles).self;
}
