import type { Messenger } from './api.js';
import { MESSENGER_MEMBERS, type MemberName } from '../remote/protocol.js';

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
  const target = messenger as unknown as Record<string, unknown>;
  const wrapped = Object.create(messenger) as Record<string, unknown>;
  for (const [name, kind] of Object.entries(MESSENGER_MEMBERS) as [MemberName, string][]) {
    const member = target[name];
    if (typeof member !== 'function') continue;
    // Every member runs on the messenger itself (its methods keep their `this`).
    wrapped[name] =
      kind === 'call'
        ? async (...args: unknown[]) => {
            await ensure(args.filter((arg): arg is string => typeof arg === 'string'));
            return member.apply(messenger, args);
          }
        : (...args: unknown[]) => member.apply(messenger, args);
  }
  return wrapped as unknown as Messenger;
}
