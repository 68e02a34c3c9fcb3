import type { Contacts } from '../account/contacts.js';
import type { LocalDevice } from '../account/local-device.js';
import type { Conversations } from '../conversations/conversations.js';
import { LiveViews } from '../facade/live-views.js';

/**
 * The facade's views over `conversations` alone, as a device with no relay, no contacts and no
 * other parts shows them: for tests and benchmarks of timelines (paging, sealing, the window).
 * Rows are read as the facade reads them (Conversations.ensure); a failed segment read throws.
 * Without `timelinePage` a chat's messages() holds its whole timeline.
 */
export function offlineViews(
  conversations: Conversations,
  options: { timelinePage?: number; self?: { accountId: string; username: string } } = {},
): LiveViews {
  return new LiveViews({
    device: { account: options.self } as unknown as LocalDevice,
    conversations,
    contacts: { usernameOf: () => undefined } as unknown as Contacts,
    connectionState: () => 'offline',
    loadRows: (id) => void conversations.ensure([id]),
    ...(options.timelinePage !== undefined ? { timelinePage: options.timelinePage } : {}),
    onError: (error) => {
      throw error;
    },
  });
}
