/**
 * DEVELOPMENT FAKE of group chats (see dev-fake-messenger.ts): in memory, no membership log, no
 * signatures, no sender keys. Every verb changes the fake's group at once and writes the system
 * line core would show, so the group UI (new group, group info, sender names, message info) can
 * be built and measured without a relay. Nothing here says anything about how real groups behave.
 */
import type {
  GroupInfoView,
  GroupMemberView,
  MessageInfoView,
  MessageView,
  SelfView,
} from '../messenger/types.js';

type GroupSetting =
  | { kind: 'set-timer'; seconds: number }
  | { kind: 'set-admins-only'; scope: 'edit-info' | 'send'; adminsOnly: boolean };

/** What the fake messenger lends the groups: its timelines and chat list. */
export interface FakeGroupHost {
  self(): SelfView;
  /** Adds a group chat to the list (with an empty timeline). */
  putGroup(id: string, title: string, memberCount: number): void;
  updateGroup(id: string, patch: { title?: string; memberCount?: number }): void;
  /** Appends a system line ("You added bob") to a chat's timeline. */
  systemLine(conversationId: string, body: string): void;
  timeline(conversationId: string): readonly MessageView[];
}

export class FakeGroups {
  readonly #groups = new Map<string, GroupInfoView>();
  #next = 1;

  constructor(private readonly host: FakeGroupHost) {}

  create(title: string, usernames: readonly string[]): string {
    const self = this.host.self();
    const id = `group-${this.#next++}`;
    const members: GroupMemberView[] = [
      { accountId: self.accountId, username: self.username, role: 'admin' },
      ...unique(usernames, self.username).map(member),
    ];
    this.#groups.set(id, {
      conversationId: id,
      title: title.trim() || 'Group',
      members,
      isMember: true,
      isAdmin: true,
      adminsOnlyEditInfo: false,
      adminsOnlySend: false,
      disappearingSeconds: 0,
    });
    this.host.putGroup(id, title.trim() || 'Group', members.length);
    this.host.systemLine(id, `You created the group "${title.trim() || 'Group'}"`);
    return id;
  }

  add(id: string, usernames: readonly string[]): void {
    const group = this.#admin(id);
    const added = unique(usernames, this.host.self().username).filter(
      (name) => !group.members.some((m) => m.username === name),
    );
    this.#set(id, { members: [...group.members, ...added.map(member)] });
    for (const name of added) this.host.systemLine(id, `You added ${name}`);
  }

  remove(id: string, username: string): void {
    const group = this.#admin(id);
    if (!group.members.some((m) => m.username === username)) throw fakeError('not a member');
    this.#set(id, { members: group.members.filter((m) => m.username !== username) });
    this.host.systemLine(id, `You removed ${username}`);
  }

  leave(id: string): void {
    const group = this.#require(id);
    const self = this.host.self();
    this.#set(id, {
      members: group.members.filter((m) => m.accountId !== self.accountId),
      isMember: false,
      isAdmin: false,
      former: 'left',
    });
    this.host.systemLine(id, 'You left');
  }

  setRole(id: string, username: string, role: 'admin' | 'member'): void {
    const group = this.#admin(id);
    this.#set(id, {
      members: group.members.map((m) => (m.username === username ? { ...m, role } : m)),
    });
    this.host.systemLine(
      id,
      role === 'admin' ? `You made ${username} an admin` : `You dismissed ${username} as admin`,
    );
  }

  rename(id: string, title: string): void {
    const group = this.#require(id);
    if (group.adminsOnlyEditInfo && !group.isAdmin) throw fakeError('only admins can rename');
    this.#set(id, { title });
    this.host.systemLine(id, `You renamed the group to "${title}"`);
  }

  change(id: string, setting: GroupSetting): void {
    this.#admin(id);
    if (setting.kind === 'set-timer') this.#set(id, { disappearingSeconds: setting.seconds });
    else if (setting.scope === 'send') this.#set(id, { adminsOnlySend: setting.adminsOnly });
    else this.#set(id, { adminsOnlyEditInfo: setting.adminsOnly });
  }

  info(id: string): GroupInfoView | undefined {
    return this.#groups.get(id);
  }

  /** Everybody else delivered and read what the fake's status steps say (no real receipts). */
  messageInfo(id: string, messageId: string): MessageInfoView {
    const group = this.#groups.get(id);
    const message = this.host.timeline(id).find((m) => m.id === messageId);
    const self = this.host.self();
    const others = (group?.members ?? []).filter((m) => m.accountId !== self.accountId);
    const at = message?.sentAt ?? Date.now();
    const delivered = message?.status === 'delivered' || message?.status === 'read';
    const read = message?.status === 'read';
    const receipt = (m: GroupMemberView) => ({ username: m.username, deviceId: 1, at });
    return {
      messageId,
      delivered: delivered ? others.map(receipt) : [],
      read: read ? others.map(receipt) : [],
      unread: read ? [] : others.map((m) => m.username),
    };
  }

  #require(id: string): GroupInfoView {
    const group = this.#groups.get(id);
    if (!group) throw fakeError(`no group ${id}`);
    return group;
  }

  #admin(id: string): GroupInfoView {
    const group = this.#require(id);
    if (!group.isAdmin || !group.isMember) throw fakeError('only admins can do that');
    return group;
  }

  #set(id: string, patch: Partial<GroupInfoView>): void {
    const group = { ...this.#require(id), ...patch };
    this.#groups.set(id, group);
    this.host.updateGroup(id, { title: group.title, memberCount: group.members.length });
  }
}

function member(username: string): GroupMemberView {
  return { accountId: `acct-${username}`, username, role: 'member' };
}

function unique(usernames: readonly string[], self: string): string[] {
  return [...new Set(usernames.map((u) => u.trim()).filter((u) => u !== '' && u !== self))];
}

function fakeError(message: string): Error {
  return Object.assign(new Error(message), { code: 'rejected-op' });
}
