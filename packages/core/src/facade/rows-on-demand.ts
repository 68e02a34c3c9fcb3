import type { Messenger } from './api.js';
import { wrapMembers } from './member-wrappers.js';

/**
 * The messenger with every verb (`call` in the remote facade's member table) first reading the
 * rows of the chats its arguments name (docs/decisions/0821): `ensure` skips any other string
 * (a username, a text) and chats read already, so a verb added to Messenger is covered without
 * a list to keep. Reads (`query`) answer at once from what is loaded: an app calls them for a
 * chat it shows, whose rows are read.
 */
export function rowsOnDemand(
  messenger: Messenger,
  ensure: (conversationIds: string[]) => Promise<void>,
): Messenger {
  return wrapMembers(messenger, (kind, member) =>
    kind === 'call'
      ? async (...args: unknown[]) => {
          await ensure(args.filter((arg): arg is string => typeof arg === 'string'));
          return member(...args);
        }
      : member,
  );
}
