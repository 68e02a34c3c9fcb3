import type { Messenger } from './api.js';
import { MESSENGER_MEMBERS, type MemberName } from '../remote/protocol.js';

/**
 * The arguments naming conversations, of each verb that reads or changes them beyond their row:
 * a chat's rows are read before such a verb runs (docs/decisions/0821). Reads (`query`) answer
 * at once from what is loaded: an app calls them for a chat it shows, whose rows are read.
 */
const CONVERSATION_ARGUMENTS: Partial<Record<MemberName, readonly number[]>> = {
  addGroupMembers: [0],
  removeGroupMember: [0],
  leaveGroup: [0],
  setGroupRole: [0],
  renameGroup: [0],
  changeGroupSetting: [0],
  sendText: [0],
  sendAttachment: [0],
  react: [0],
  editMessage: [0],
  deleteForEveryone: [0],
  deleteForMe: [0],
  forwardMessage: [0, 2],
  markRead: [0],
  setDisappearingTimer: [0],
  openViewOnce: [0],
  showMessage: [0],
  acceptMessageRequest: [0],
  deleteMessageRequest: [0],
  blockMessageRequest: [0],
};

/** The messenger with each verb above waiting for `ensure` of the conversations it names. */
export function rowsOnDemand(
  messenger: Messenger,
  ensure: (conversationIds: string[]) => Promise<void>,
): Messenger {
  const target = messenger as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrapped = Object.create(messenger) as Record<string, unknown>;
  for (const name of Object.keys(MESSENGER_MEMBERS) as MemberName[]) {
    const member = target[name];
    if (typeof member !== 'function') continue;
    const positions = CONVERSATION_ARGUMENTS[name];
    // Every member runs on the messenger itself (its methods keep their `this`).
    wrapped[name] = positions
      ? async (...args: unknown[]) => {
          await ensure(positions.flatMap((i) => (typeof args[i] === 'string' ? [args[i]] : [])));
          return member.apply(messenger, args);
        }
      : (...args: unknown[]) => member.apply(messenger, args);
  }
  return wrapped as unknown as Messenger;
}
