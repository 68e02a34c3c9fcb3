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
  DeviceLink,
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
} from '../messenger/types.js';
import { ObservableValue } from './observable-value.js';
import { seedConversations, type Seed } from './seed.js';

class DevFakeMessenger implements Messenger {
  readonly self = new ObservableValue<SelfView | null>(null);
  readonly connection = new ObservableValue<ConnectionState>('online');
  readonly conversationList = new ObservableValue<readonly ConversationView[]>([]);
  readonly accountSettings = new ObservableValue<AccountSettingsView>(DEFAULT_ACCOUNT_SETTINGS);
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

  async createDeviceLink(): Promise<DeviceLink> {
    throw new Error('device linking is not available in the development fake');
  }

  async linkDevice(): Promise<SelfView> {
    throw new Error('device linking is not available in the development fake');
  }

  async settled(): Promise<void> {}

  // The fake has no relay: no push service to register with, nothing to catch up on.
  async pushPublicKey(): Promise<string> {
    throw new Error('Web Push is not available in the development fake');
  }

  async setPushSubscription(): Promise<void> {}

  async caughtUp(): Promise<void> {}

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

  // Groups are not simulated: the fake has no membership log (use a real relay for groups).
  async createGroup(): Promise<string> {
    throw new Error('groups are not available in the development fake');
  }
  async addGroupMembers(): Promise<void> {
    throw new Error('groups are not available in the development fake');
  }
  async removeGroupMember(): Promise<void> {
    throw new Error('groups are not available in the development fake');
  }
  async leaveGroup(): Promise<void> {
    throw new Error('groups are not available in the development fake');
  }
  async setGroupRole(): Promise<void> {
    throw new Error('groups are not available in the development fake');
  }
  async renameGroup(): Promise<void> {
    throw new Error('groups are not available in the development fake');
  }
  async changeGroupSetting(): Promise<void> {
    throw new Error('groups are not available in the development fake');
  }
  groupInfo(): undefined {
    return undefined;
  }
  messageInfo(_conversationId: string, messageId: string) {
    return { messageId, delivered: [], read: [], unread: [] };
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
          sentAt: m.sentAt,
          outgoing: m.outgoing,
          text: m.body,
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
  return messenger;
}
