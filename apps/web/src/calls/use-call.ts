import type { CallView, CallsApi } from '@parley/core';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';

const NO_CALLS = { subscribe: () => () => {}, getSnapshot: () => null };

/** The messenger's calls (absent in a tab that does not own the device) and the current call. */
export function useCall(): { calls: CallsApi | undefined; call: CallView | null } {
  const calls = useMessenger().calls;
  const call = useObservable(calls?.current ?? NO_CALLS);
  return { calls, call };
}
