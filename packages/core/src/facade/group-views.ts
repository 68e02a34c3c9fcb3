import type { Contacts } from '../account/contacts.js';
import type { LocalDevice } from '../account/local-device.js';
import type { ConversationModel } from '../conversations/conversations.js';
import type { Groups } from '../groups/groups.js';
import type { Profiles } from '../profiles/profiles.js';
import type { GroupInfoView, MessageInfoView, ReceiptView } from './api.js';

/** Read-only projections of a group's fold and member receipts into the facade's views. */

export interface GroupViewDeps {
  device: LocalDevice;
  contacts: Pick<Contacts, 'usernameOf'>;
  groups: Groups;
  /** Members' profile names and pictures (profiles/); contact names given by the user win. */
  profiles?: Pick<Profiles, 'profileOf'>;
  accountSettings?: { readonly settings: { contactNames: Readonly<Record<string, string>> } };
}

export function usernameIn(
  model: ConversationModel,
  deps: GroupViewDeps,
  accountId: string,
): string {
  const self = deps.device.account;
  if (self && accountId === self.accountId) return self.username;
  return (
    deps.contacts.usernameOf(accountId) ??
    model.doc.memberList().find(([id]) => id === accountId)?.[1].username ??
    accountId
  );
}

export function groupInfoView(
  model: ConversationModel,
  deps: GroupViewDeps,
): GroupInfoView | undefined {
  const state = deps.groups.state(model);
  if (!state) return undefined;
  const self = deps.device.accountId;
  const former = state.former.get(self);
  return {
    conversationId: model.row.id,
    title: state.title,
    members: [...state.members].map(([accountId, info]) => ({
      accountId,
      username: usernameIn(model, deps, accountId),
      ...shownAs(deps, accountId),
      role: info.role,
    })),
    isMember: state.members.has(self),
    isAdmin: state.members.get(self)?.role === 'admin',
    ...(former ? { former } : {}),
    adminsOnlyEditInfo: state.adminsOnlyEditInfo,
    adminsOnlySend: state.adminsOnlySend,
    disappearingSeconds: state.disappearingSeconds,
  };
}

/** A member's display name and picture: the name the user gave, else their profile's. */
function shownAs(
  deps: GroupViewDeps,
  accountId: string,
): { displayName?: string; avatar?: string } {
  const profile = deps.profiles?.profileOf(accountId);
  const displayName = deps.accountSettings?.settings.contactNames[accountId] || profile?.name;
  return {
    ...(displayName ? { displayName } : {}),
    ...(profile?.avatar ? { avatar: profile.avatar } : {}),
  };
}

export function messageInfoView(
  model: ConversationModel,
  messageId: string,
  deps: GroupViewDeps,
): MessageInfoView {
  const receipts = deps.groups.receiptsOf(messageId);
  const view = (r: { accountId: string; deviceId: number; at: number }): ReceiptView => ({
    username: usernameIn(model, deps, r.accountId),
    deviceId: r.deviceId,
    at: r.at,
  });
  const read = new Set(receipts.read.map((r) => r.accountId));
  return {
    messageId,
    delivered: receipts.delivered.map(view),
    read: receipts.read.map(view),
    unread: deps.groups
      .peers(model)
      .filter((id) => !read.has(id))
      .map((id) => usernameIn(model, deps, id)),
  };
}
