import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import type { Profile } from '../messenger/types.js';

/** A contact's decrypted profile, when this device has one (never a blocked account's). */
export function useProfileOf(accountId: string | undefined): Profile | undefined {
  const { contacts } = useObservable(useMessenger().profiles);
  return accountId ? contacts[accountId] : undefined;
}
