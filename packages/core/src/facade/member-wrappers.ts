import type { Messenger } from './api.js';
import { MESSENGER_MEMBERS, type MemberName } from '../remote/protocol.js';

type MemberKind = (typeof MESSENGER_MEMBERS)[MemberName];
type Member = (...args: unknown[]) => unknown;

/**
 * The messenger with each of its members (the remote facade's table, remote/protocol.ts, so a
 * member added to Messenger is classified there once) replaced by what `wrap` makes of it, given
 * its kind and the member bound to the messenger (its methods keep their `this`).
 */
export function wrapMembers(
  messenger: Messenger,
  wrap: (kind: MemberKind, member: Member) => Member,
): Messenger {
  const target = messenger as unknown as Record<string, unknown>;
  const wrapped = Object.create(messenger) as Record<string, unknown>;
  for (const [name, kind] of Object.entries(MESSENGER_MEMBERS) as [MemberName, MemberKind][]) {
    const member = target[name];
    if (typeof member !== 'function') continue;
    wrapped[name] = wrap(kind, (...args: unknown[]) => member.apply(messenger, args));
  }
  return wrapped as unknown as Messenger;
}
