/**
 * DEVELOPMENT FAKE — in memory, no crypto, no relay. It exists to build and look at the UI before
 * core is ready and to measure pure rendering in the web benchmark (large seeded chat lists and
 * timelines). It is compiled only into VITE_PARLEY_DEV_FAKE=1 builds; no test in `npm test` runs
 * against it, and nothing it does says anything about delivery or encryption.
 */
import {
  applyAccountSettingsChange,
  DEFAULT_ACCOUNT_SETTINGS,
  validateAccountSettingsChange,
} from '@parley/core';
import { highlightRanges, terms } from '@parley/core/search';
import { isValidUsername } from '@parley/protocol';
import type {
  AccountSettingsChange,
  AccountSettingsView,
  ConnectionState,
  ConversationView,
  DeviceView,
  HistoryTransferView,
  ProvisioningView,
  ProvisioningWaiting,
  MessageStatus,
  MessageView,
  Messenger,
  MessengerEvent,
  SafetyNumber,
  SearchOptions,
  SearchResultGroup,
  SearchResults,
  SelfView,
  TransferView,
  ProfileInput,
  ProfilesView,
} from '../messenger/types.js';
import { FakeGroups } from './dev-fake-groups.js';
import { ObservableValue } from './observable-value.js';
import { seedConversations, type Seed } from './seed.js';

class DevFakeMessenger implements Messenger {
  readonly self = new ObservableValue<SelfView | null>(null);
  readonly connection = new ObservableValue<ConnectionState>('online');
  readonly conversationList = new ObservableValue<readonly ConversationView[]>([]);
  readonly accountSettings = new ObservableValue<AccountSettingsView>(DEFAULT_ACCOUNT_SETTINGS);
  readonly profiles = new ObservableValue<ProfilesView>({ self: null, contacts: {} });
  readonly #timelines = new Map<string, ObservableValue<readonly MessageView[]>>();
  readonly #listeners = new Set<(event: MessengerEvent) => void>();
  readonly #verified = new Set<string>();
  #nextId = 1;

  async register(username: string): Promise<SelfView> {
    await delay(300);
    if (!isValidUsername(username)) throw fakeError('INVALID_USERNAME', 'invalid username');
    if (username.startsWith('taken')) throw fakeError('USERNAME_TAKEN', 'username is taken');
    const self = { accountId: `acct-${username}`, username, deviceId: 1 };
    this.self.set(self);
    return self;
  }

  readonly provisioning = new ObservableValue<ProvisioningView>({ state: 'idle' });
  readonly linkHistory = new ObservableValue<HistoryTransferView | null>(null);

  async startLinking(): Promise<ProvisioningWaiting> {
    throw fakeError('RELAY_UNREACHABLE', 'device linking needs a relay');
  }

  async inspectDeviceLink(): Promise<{ words: string[] }> {
    throw fakeError('INVALID_LINK', 'device linking needs a relay');
  }

  async approveDeviceLink(): Promise<void> {
    throw fakeError('INVALID_LINK', 'device linking needs a relay');
  }

  async listDevices(): Promise<DeviceView[]> {
    return [
      {
        deviceId: 1,
        name: this.deviceName,
        platform: 'This browser',
        linkedAt: Date.now(),
        lastActiveAt: Date.now(),
        current: true,
      },
    ];
  }

  private deviceName = 'This browser';

  async renameDevice(deviceId: number, name: string): Promise<void> {
    if (deviceId !== 1) throw fakeError('UNKNOWN_DEVICE', 'the development fake has one device');
    this.deviceName = name.trim();
  }

  async unlinkDevice(): Promise<void> {
    throw fakeError('UNKNOWN_DEVICE', 'the development fake has one device');
  }

  async settled(): Promise<void> {}

  // The fake has no relay: no push service to register with, nothing to catch up on.
  async pushPublicKey(): Promise<string> {
    throw new Error('Web Push is not available in the development fake');
  }

  async setPushSubscription(): Promise<void> {}

  async caughtUp(): Promise<void> {}

  async sent(): Promise<void> {}

  // The own profile is kept in memory only; the fake's contacts have none.
  async setProfile(input: ProfileInput): Promise<void> {
    const previous = this.profiles.getSnapshot();
    const avatar = input.avatar === null ? undefined : (input.avatar ?? previous.self?.avatar);
    this.profiles.set({
      ...previous,
      self: {
        name: input.name.trim(),
        ...(input.about?.trim() ? { about: input.about.trim() } : {}),
        ...(avatar ? { avatar } : {}),
      },
    });
  }

  // Settings are kept in memory only; the fake does not act on them (no receipts, no blocking).
  async updateAccountSettings(change: AccountSettingsChange): Promise<void> {
    validateAccountSettingsChange(change);
    this.accountSettings.set(
      applyAccountSettingsChange(this.accountSettings.getSnapshot(), change),
    );
  }
  // Attachments are not simulated: they need the relay's blob store (use a real relay).
  readonly transfers = new ObservableValue<readonly TransferView[]>([]);
  async sendAttachment(): Promise<string> {
    throw new Error('attachments are not available in the development fake');
  }
  async openAttachment(): Promise<Uint8Array<ArrayBuffer>> {
    throw new Error('attachments are not available in the development fake');
  }
  async cachedAttachment(): Promise<undefined> {
    return undefined;
  }
  cancelTransfer(): void {}
  async deleteAttachmentMedia(): Promise<void> {}

  async setDisappearingTimer(conversationId: string, seconds: number): Promise<void> {
    this.#updateConversation(conversationId, { disappearingSeconds: seconds });
  }

  async openViewOnce(): Promise<Uint8Array<ArrayBuffer>> {
    throw fakeError('VIEW_ONCE_UNAVAILABLE', 'the development fake has no media');
  }

  // Rich messages need the document's signed ops (core rich/): use a real relay.
  async react(): Promise<void> {
    throw new Error('reactions are not available in the development fake');
  }
  async editMessage(): Promise<void> {
    throw new Error('editing is not available in the development fake');
  }
  async deleteForEveryone(): Promise<void> {
    throw new Error('deleting is not available in the development fake');
  }
  async deleteForMe(): Promise<void> {
    throw new Error('deleting is not available in the development fake');
  }
  async forwardMessage(): Promise<string> {
    throw new Error('forwarding is not available in the development fake');
  }
  messageHistory(): [] {
    return [];
  }

  // Groups: an in-memory stand-in with no membership log (dev-fake-groups.ts).
  readonly #groups = new FakeGroups({
    self: () => this.#requireSelf(),
    putGroup: (id, title, memberCount) => {
      this.#putConversation({
        id,
        kind: 'group',
        title,
        memberCount,
        unreadCount: 0,
        updatedAt: Date.now(),
        typing: [],
      });
      this.#timelines.set(id, new ObservableValue<readonly MessageView[]>([]));
    },
    updateGroup: (id, patch) => this.#updateConversation(id, patch),
    systemLine: (conversationId, body) => this.#system(conversationId, body),
    timeline: (conversationId) => this.messages(conversationId).getSnapshot(),
  });
  async createGroup(title: string, usernames: readonly string[]): Promise<string> {
    await delay(200);
    return this.#groups.create(title, usernames);
  }
  async addGroupMembers(conversationId: string, usernames: readonly string[]): Promise<void> {
    this.#groups.add(conversationId, usernames);
  }
  async removeGroupMember(conversationId: string, username: string): Promise<void> {
    this.#groups.remove(conversationId, username);
  }
  async leaveGroup(conversationId: string): Promise<void> {
    this.#groups.leave(conversationId);
  }
  async setGroupRole(
    conversationId: string,
    username: string,
    role: 'admin' | 'member',
  ): Promise<void> {
    this.#groups.setRole(conversationId, username, role);
  }
  async renameGroup(conversationId: string, title: string): Promise<void> {
    this.#groups.rename(conversationId, title);
  }
  async changeGroupSetting(
    conversationId: string,
    setting: Parameters<Messenger['changeGroupSetting']>[1],
  ): Promise<void> {
    this.#groups.change(conversationId, setting);
  }
  groupInfo(conversationId: string) {
    return this.#groups.info(conversationId);
  }
  messageInfo(conversationId: string, messageId: string) {
    return this.#groups.messageInfo(conversationId, messageId);
  }

  async openDirectConversation(username: string): Promise<string> {
    await delay(200);
    if (username.startsWith('nobody')) throw fakeError('UNKNOWN_USER', 'no such account');
    const existing = this.conversationList.getSnapshot().find((c) => c.peerUsername === username);
    if (existing) return existing.id;
    const id = `dm-${username}`;
    this.#putConversation({
      id,
      kind: 'direct',
      title: username,
      peerUsername: username,
      unreadCount: 0,
      updatedAt: Date.now(),
      typing: [],
    });
    this.#timelines.set(id, new ObservableValue<readonly MessageView[]>([]));
    return id;
  }

  async sendText(conversationId: string, text: string): Promise<string> {
    const self = this.self.getSnapshot();
    if (!self) throw new Error('not registered');
    const id = `m${this.#nextId++}`;
    const message: MessageView = {
      id,
      conversationId,
      senderId: self.accountId,
      senderUsername: self.username,
      senderName: self.username,
      senderDeviceId: 1,
      sentAt: Date.now(),
      body: text,
      kind: 'text',
      status: 'pending',
      outgoing: true,
    };
    this.#append(message);
    const steps: MessageStatus[] = ['sent', 'delivered', 'read'];
    steps.forEach((status, index) =>
      setTimeout(() => this.#setStatus(conversationId, id, status), 400 * (index + 1)),
    );
    return id;
  }

  async markRead(conversationId: string): Promise<void> {
    const timeline = this.#timelines.get(conversationId);
    if (!timeline) return;
    timeline.set(
      timeline
        .getSnapshot()
        .map((m) => (!m.outgoing && m.status !== 'read' ? { ...m, status: 'read' } : m)),
    );
    this.#updateConversation(conversationId, { unreadCount: 0 });
  }

  setTyping(): void {}

  // The fake's timelines are small and whole: there is no older or newer page to show.
  showOlderMessages(): void {}

  showNewerMessages(): void {}

  showNewestMessages(): Promise<boolean> {
    return Promise.resolve(false);
  }

  showMessage(conversationId: string, messageId: string): Promise<boolean> {
    const timeline = this.#timelines.get(conversationId)?.getSnapshot() ?? [];
    return Promise.resolve(timeline.some((message) => message.id === messageId));
  }

  conversations() {
    return this.conversationList;
  }

  messages(conversationId: string) {
    let timeline = this.#timelines.get(conversationId);
    if (!timeline) {
      timeline = new ObservableValue<readonly MessageView[]>([]);
      this.#timelines.set(conversationId, timeline);
    }
    return timeline;
  }

  /** A plain scan with core's tokenizer: the fake has no index (core's real one is tested there). */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResults> {
    const wanted = terms(query);
    if (wanted.length === 0) return { query, chats: [], groups: [] };
    const matches = (text: string) => {
      const words = terms(text);
      return wanted.every((term) => words.some((word) => word.startsWith(term)));
    };
    const groups: SearchResultGroup[] = [];
    for (const chat of this.conversationList.getSnapshot()) {
      if (options.conversationId !== undefined && chat.id !== options.conversationId) continue;
      const messages = this.messages(chat.id)
        .getSnapshot()
        .filter((m) => m.kind === 'text' && matches(m.body))
        .reverse()
        .map((m) => ({
          messageId: m.id,
          conversationId: chat.id,
          senderUsername: m.senderUsername,
          senderName: m.senderName,
          sentAt: m.sentAt,
          outgoing: m.outgoing,
          text: m.body,
          inFileName: false,
          highlights: highlightRanges(m.body, wanted),
        }));
      if (messages.length > 0)
        groups.push({ conversationId: chat.id, kind: chat.kind, title: chat.title, messages });
    }
    const chats = this.conversationList
      .getSnapshot()
      .filter((chat) => options.conversationId === undefined && matches(chat.title))
      .map((chat) => ({
        conversationId: chat.id,
        kind: chat.kind,
        title: chat.title,
        highlights: highlightRanges(chat.title, wanted),
      }));
    return { query, chats, groups };
  }

  async safetyNumber(username: string): Promise<SafetyNumber> {
    let digits = '';
    for (let i = 0; digits.length < 60; i++)
      digits += String((username.charCodeAt(i % username.length) * (i + 7)) % 100000).padStart(
        5,
        '0',
      );
    return {
      displayable: digits.slice(0, 60),
      scannable: new Uint8Array(32),
      verified: this.#verified.has(username),
    };
  }

  async markVerified(username: string, verified: boolean): Promise<void> {
    if (verified) this.#verified.add(username);
    else this.#verified.delete(username);
  }

  async acceptIdentityChange(): Promise<void> {}

  // Message requests: the fake's conversations carry `request` from the seed or never.
  async acceptMessageRequest(conversationId: string): Promise<void> {
    this.#updateConversation(conversationId, { request: false });
  }

  async deleteMessageRequest(conversationId: string): Promise<void> {
    this.conversationList.set(
      this.conversationList.getSnapshot().filter((c) => c.id !== conversationId),
    );
    this.#timelines.delete(conversationId);
  }

  async blockMessageRequest(conversationId: string): Promise<void> {
    const peer = this.conversationList.getSnapshot().find((c) => c.id === conversationId);
    if (peer?.peerUsername)
      await this.updateAccountSettings({ kind: 'block', accountId: `acct-${peer.peerUsername}` });
    await this.deleteMessageRequest(conversationId);
  }

  // Leaving: the fake forgets everything in memory (there is no relay or database to clear).
  async signOut(): Promise<void> {
    this.#forgetAll('signed-out');
  }

  async deleteAccount(typedUsername: string): Promise<void> {
    if (typedUsername !== this.self.getSnapshot()?.username)
      throw fakeError('USERNAME_MISMATCH', 'the username does not match');
    this.#forgetAll('account-deleted');
  }

  #forgetAll(reason: 'signed-out' | 'account-deleted'): void {
    this.conversationList.set([]);
    this.#timelines.clear();
    this.self.set(null);
    for (const listener of this.#listeners) listener({ type: 'signed-out', reason });
  }

  on(listener: (event: MessengerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {}

  loadSeed(seed: Seed): void {
    const self = { accountId: 'acct-me', username: 'me', deviceId: 1 };
    this.self.set(self);
    const { conversations, timelines } = seedConversations(seed, self);
    for (const [id, messages] of timelines) this.#timelines.set(id, new ObservableValue(messages));
    this.conversationList.set(conversations);
  }

  /** A group of `members` (this account included) with `messages` from its other members. */
  seedGroup(members: number, messages: number): void {
    if (!this.self.getSnapshot())
      this.self.set({ accountId: 'acct-me', username: 'me', deviceId: 1 });
    const names = Array.from({ length: Math.max(1, members - 1) }, (_, i) => `member${i + 1}`);
    const id = this.#groups.create('Seeded group', names);
    const timeline = this.messages(id);
    const start = Date.now() - messages * 60_000;
    const seeded = Array.from({ length: messages }, (_, i): MessageView => {
      const name = names[(i * 7) % names.length] ?? 'member1';
      return {
        id: `${id}-${i}`,
        conversationId: id,
        senderId: `acct-${name}`,
        senderUsername: name,
        senderName: name,
        senderDeviceId: 1,
        sentAt: start + i * 60_000,
        body: `Message ${i} from ${name}`,
        kind: 'text',
        status: 'read',
        outgoing: false,
      };
    });
    timeline.set([...timeline.getSnapshot(), ...seeded]);
    const last = seeded.at(-1);
    if (last)
      this.#updateConversation(id, {
        lastMessage: { body: last.body, sentAt: last.sentAt, outgoing: false, status: 'read' },
        updatedAt: last.sentAt,
      });
  }

  #requireSelf(): SelfView {
    const self = this.self.getSnapshot();
    if (!self) throw new Error('not registered');
    return self;
  }

  #system(conversationId: string, body: string): void {
    const self = this.#requireSelf();
    const timeline = this.messages(conversationId);
    timeline.set([
      ...timeline.getSnapshot(),
      {
        id: `m${this.#nextId++}`,
        conversationId,
        senderId: self.accountId,
        senderUsername: '',
        senderName: '',
        senderDeviceId: 1,
        sentAt: Date.now(),
        body,
        kind: 'system',
        status: 'read',
        outgoing: false,
      },
    ]);
  }

  #append(message: MessageView): void {
    const timeline = this.messages(message.conversationId);
    timeline.set([...timeline.getSnapshot(), message]);
    this.#updateConversation(message.conversationId, {
      lastMessage: {
        body: message.body,
        sentAt: message.sentAt,
        outgoing: message.outgoing,
        status: message.status,
      },
      updatedAt: message.sentAt,
    });
  }

  #setStatus(conversationId: string, messageId: string, status: MessageStatus): void {
    const timeline = this.messages(conversationId);
    const messages = timeline.getSnapshot().map((m) => (m.id === messageId ? { ...m, status } : m));
    timeline.set(messages);
    const last = messages.at(-1);
    if (last?.id === messageId) {
      this.#updateConversation(conversationId, {
        lastMessage: { body: last.body, sentAt: last.sentAt, outgoing: last.outgoing, status },
      });
    }
  }

  #putConversation(conversation: ConversationView): void {
    this.conversationList.set([conversation, ...this.conversationList.getSnapshot()]);
  }

  #updateConversation(id: string, patch: Partial<ConversationView>): void {
    this.conversationList.set(
      this.conversationList
        .getSnapshot()
        .map((c) => (c.id === id ? { ...c, ...patch } : c))
        .sort((a, b) => b.updatedAt - a.updatedAt),
    );
  }
}

function fakeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `?seed-chats=1000&seed-messages=10000` pre-fills the fake (benchmark and screenshots). */
export function createDevFakeMessenger(params: URLSearchParams): Messenger {
  const messenger = new DevFakeMessenger();
  const chats = Number(params.get('seed-chats') ?? 0);
  if (chats > 0)
    messenger.loadSeed({ chats, messagesInFirstChat: Number(params.get('seed-messages') ?? 50) });
  // `?seed-group-members=1024&seed-group-messages=500`: one large group (group UI, benchmark).
  const groupMembers = Number(params.get('seed-group-members') ?? 0);
  if (groupMembers > 0)
    messenger.seedGroup(groupMembers, Number(params.get('seed-group-messages') ?? 200));
  return messenger;
}
