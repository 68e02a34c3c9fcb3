import type { AccountKeys } from '../account/account-keys.js';
import type { AccountLifecycle } from '../account-lifecycle/account-lifecycle.js';
import type { MessageRequests } from '../requests/message-requests.js';
import type { AccountSettings } from '../account-settings/account-settings.js';
import type { Contacts } from '../account/contacts.js';
import { checkUsername } from '../account/contacts.js';
import type { LocalDevice } from '../account/local-device.js';
import type { SafetyNumbers } from '../account/safety-numbers.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { isMessageId, type Composer } from '../delivery/composer.js';
import type { Groups } from '../groups/groups.js';
import { groupInfoView, messageInfoView } from './group-views.js';
import type { Inbox } from '../delivery/inbox.js';
import type { AttachmentPointer } from '../media/attachment-pointer.js';
import type { AttachmentInput, Media, TransferView } from '../media/media.js';
import type { DeviceLinking } from '../linking/device-linking.js';
import type { DeviceView, OwnDevices } from '../linking/own-devices.js';
import type { HistoryTransfer, HistoryTransferView } from '../linking/history-transfer.js';
import type { Outbox } from '../delivery/outbox.js';
import type { Sessions } from '../delivery/sessions.js';
import { ParleyError, relayCall } from '../errors.js';
import type { AccountRow, ParleyDatabase } from '../store/database.js';
import type { MessageSearch } from '../search/message-search.js';
import type { CoreStore } from '../store/repositories.js';
import type { SignalStores } from '../store/signal-stores.js';
import type { RelayConnection } from '../transport/relay-connection.js';
import type { RelayHttp } from '../transport/relay-http.js';
import type {
  AccountSettingsChange,
  AccountSettingsView,
  ConnectionState,
  ConversationView,
  ProvisioningView,
  ProvisioningWaiting,
  GroupInfoView,
  GroupSetting,
  MessageInfoView,
  MessageVersionView,
  MessageView,
  Messenger,
  MessengerEvent,
  Observable,
  SafetyNumber,
  SearchOptions,
  SearchResults,
  SelfView,
  SendOptions,
} from './api.js';
import type { Events } from './events.js';
import type { CatchUp } from '../push/catch-up.js';
import type { Disappearing } from '../disappearing/disappearing.js';
import { openViewOnce } from '../disappearing/view-once.js';
import type { RichMessages } from '../rich/rich-messages.js';
import type { LazyCalls } from '../calls/lazy-calls.js';
import type { Profiles, ProfilesView } from '../profiles/profiles.js';
import type { ProfileInput } from '../profiles/profile.js';
import type { CallsApi } from '../calls/types.js';
import type { WebPush, WebPushSubscription } from '../push/web-push.js';
import { selfView, type LiveViews } from './live-views.js';

/**
 * The first screen (docs/decisions/0820): the chats read before the rest, and each one's newest
 * rows (its preview and, up to this many, its unread count). A tall window shows about 20 chats.
 */
export const FIRST_SCREEN_CHATS = 40;
export const FIRST_SCREEN_ROWS = 50;

/** The parts the facade delegates to, all built by createMessenger (create-messenger.ts). */
export interface MessengerDeps {
  db: ParleyDatabase;
  /** Settles once the Signal engine is loaded (crypto/late-engine.ts): the rest of open() waits. */
  engineReady: Promise<void>;
  /** Conversations, projection and outbox (the Dexie database's own, or the desktop's). */
  store: CoreStore;
  device: LocalDevice;
  http: RelayHttp;
  relay: RelayConnection;
  stores: SignalStores;
  sessions: Sessions;
  accountKeys: AccountKeys;
  linking: DeviceLinking;
  ownDevices: OwnDevices;
  history: HistoryTransfer;
  contacts: Contacts;
  safetyNumbers: SafetyNumbers;
  conversations: Conversations;
  composer: Composer;
  groups: Groups;
  outbox: Outbox;
  inbox: Inbox;
  views: LiveViews;
  events: Events;
  search: MessageSearch;
  accountSettings: AccountSettings;
  media: Media;
  requests: MessageRequests;
  lifecycle: AccountLifecycle;
  webPush: WebPush;
  catchUp: CatchUp;
  disappearing: Disappearing;
  rich: RichMessages;
  calls: LazyCalls;
  profiles: Profiles;
}

/** The facade (see api.ts): each verb checks the device's state and delegates to one part. */
export class ParleyMessenger implements Messenger {
  private closed = false;
  /** A register or link is under way. */
  private joining = false;
  readonly self: Observable<SelfView | null>;
  readonly connection: Observable<ConnectionState>;
  readonly conversationList: Observable<readonly ConversationView[]>;
  readonly accountSettings: Observable<AccountSettingsView>;
  readonly profiles: Observable<ProfilesView>;
  readonly transfers: Observable<readonly TransferView[]>;
  readonly calls: CallsApi;
  readonly provisioning: Observable<ProvisioningView>;
  readonly linkHistory: Observable<HistoryTransferView | null>;

  constructor(private readonly deps: MessengerDeps) {
    this.calls = deps.calls;
    this.self = deps.views.self;
    this.connection = deps.views.connection;
    this.conversationList = deps.views.conversationList;
    this.accountSettings = deps.accountSettings.view;
    this.profiles = deps.profiles.view;
    this.transfers = deps.media.transfers;
    this.provisioning = deps.linking.view;
    this.linkHistory = deps.history.view;
  }

  /** Restores the registered account (if any) and connects. */
  async open(): Promise<void> {
    await this.openFirstScreen();
    await this.loaded;
  }

  /** Settles once open() finished: the whole projection loaded and the relay connection begun. */
  loaded: Promise<void> = Promise.resolve();

  /**
   * Restores the account and what the chat list's first screen shows, and starts the rest of
   * open() in the background (`loaded`): the first screen does not wait for the whole history
   * (docs/decisions/0820). Until `loaded` settles nothing may change a conversation: callers
   * wait for it before every verb (facade/after-load.ts).
   */
  async openFirstScreen(): Promise<void> {
    const { db, device, stores, inbox, contacts, outbox, conversations, views } = this.deps;
    device.account = await db.account.get('self');
    await stores.load();
    await this.deps.accountSettings.load();
    await this.deps.profiles.load();
    await inbox.load();
    await contacts.load();
    await outbox.load();
    await conversations.loadFirstScreen(
      outbox.unsentMessageIds(),
      FIRST_SCREEN_CHATS,
      FIRST_SCREEN_ROWS,
    );
    views.self.invalidate();
    views.conversationList.invalidate();
    this.loaded = this.openRest();
    // Behind the first screen nobody awaits it: the app learns of a failure as an error event.
    this.loaded.catch((error: unknown) => this.deps.events.error(error));
  }

  private async openRest(): Promise<void> {
    const { device, conversations, views } = this.deps;
    await this.deps.engineReady;
    await conversations.load();
    // What expired while this device was off is gone before anything shows it.
    await this.deps.disappearing.load();
    views.invalidateAll();
    this.deps.events.on((event) => {
      if (event.type !== 'relay-refused') return;
      // Unlinked while connected: the relay closes the socket with DEVICE_REMOVED. Unlinked while
      // not connected (offline, or between sockets): the next connect is refused, and the
      // lifecycle asks the relay over HTTP before it wipes anything.
      const unlinked =
        event.code === 'DEVICE_REMOVED'
          ? this.deps.lifecycle.unlinked(() => this.close())
          : event.code === 'UNAUTHENTICATED'
            ? this.deps.lifecycle.refusedOnConnect(() => this.close())
            : undefined;
      void unlinked?.catch((e) => this.deps.events.error(e));
    });
    // Catching the index up runs in the background: the chat list does not wait for it.
    void this.deps.search.start().catch((error) => this.deps.events.error(error));
    if (device.account) {
      this.connect();
      void this.deps.media.resumePending().catch((error) => this.deps.events.error(error));
      void this.deps.history.resume().catch((error) => this.deps.events.error(error));
    }
  }

  // --- Account

  async register(username: string): Promise<SelfView> {
    this.assertUnregistered();
    checkUsername(username);
    await this.join(() => this.deps.accountKeys.register(username));
    return this.activate();
  }

  // --- Linking by QR code (linking/)

  async startLinking(): Promise<ProvisioningWaiting> {
    this.assertUnregistered();
    return relayCall(() =>
      this.deps.linking.start(async (message) => {
        this.assertUnregistered();
        await this.join(() => this.deps.accountKeys.link(message));
        await this.deps.history.expectFrom(message.linkedByDeviceId);
        await this.deps.composer.announceLinkedDevice();
        this.activate();
      }),
    );
  }

  async inspectDeviceLink(link: string): Promise<{ words: string[] }> {
    this.requireAccount();
    return this.deps.linking.inspect(link);
  }

  async approveDeviceLink(link: string): Promise<void> {
    const account = this.requireAccount();
    await this.deps.linking.approve(account, link);
    this.deps.history.approved();
  }

  async listDevices(): Promise<DeviceView[]> {
    this.requireAccount();
    return this.deps.ownDevices.list();
  }

  async renameDevice(deviceId: number, name: string): Promise<void> {
    this.requireAccount();
    return this.deps.ownDevices.rename(deviceId, name);
  }

  async unlinkDevice(deviceId: number): Promise<void> {
    this.requireAccount();
    return this.deps.ownDevices.unlink(deviceId);
  }

  // --- Conversations

  async openDirectConversation(username: string): Promise<string> {
    this.requireAccount();
    return this.deps.composer.openDirect(username);
  }

  async sendText(conversationId: string, text: string, options?: SendOptions): Promise<string> {
    this.requireAccount();
    const model = this.deps.conversations.get(conversationId);
    if (model) this.assertCanSend(model);
    const id = await this.deps.composer.sendText(
      conversationId,
      text,
      undefined,
      options?.messageId,
      options?.replyTo !== undefined ? { replyTo: options.replyTo } : {},
    );
    this.shareProfile(conversationId);
    return id;
  }

  // --- Rich messages (rich/)

  async react(conversationId: string, messageId: string, emoji: string | null): Promise<void> {
    this.requireAccount();
    return this.deps.rich.react(conversationId, messageId, emoji);
  }

  async editMessage(conversationId: string, messageId: string, text: string): Promise<void> {
    this.requireAccount();
    return this.deps.rich.edit(conversationId, messageId, text);
  }

  async deleteForEveryone(conversationId: string, messageId: string): Promise<void> {
    this.requireAccount();
    return this.deps.rich.deleteForEveryone(conversationId, messageId);
  }

  async deleteForMe(conversationId: string, messageIds: readonly string[]): Promise<void> {
    this.requireAccount();
    return this.deps.rich.deleteForMe(conversationId, messageIds);
  }

  async forwardMessage(
    fromConversationId: string,
    messageId: string,
    toConversationId: string,
  ): Promise<string> {
    this.requireAccount();
    const target = this.deps.conversations.get(toConversationId);
    if (!target)
      throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${toConversationId}`);
    this.assertCanSend(target);
    const { body, attachments } = this.deps.rich.forwardable(fromConversationId, messageId);
    const [file, ...more] = attachments ?? [];
    if (!file || more.length > 0)
      return this.deps.composer.sendText(toConversationId, body, attachments, undefined, {
        forwarded: true,
      });
    // A file is uploaded again under a new key: the forward must not depend on the original's
    // blob, which its uploader may delete for everyone (or which expires) at any time.
    const { blobId: _blobId, key: _key, digest: _digest, size: _size, kind, ...shown } = file;
    const bytes = await this.deps.media.open(file);
    return this.deps.media.send(
      toConversationId,
      { ...shown, bytes, ...(kind === 'voice' ? { voice: true } : {}) },
      body,
      undefined,
      { forwarded: true },
    );
  }

  messageHistory(conversationId: string, messageId: string): MessageVersionView[] {
    this.assertOpen();
    return this.deps.rich.history(conversationId, messageId);
  }

  // --- Attachments (media/)

  async sendAttachment(
    conversationId: string,
    file: AttachmentInput,
    caption = '',
    options?: SendOptions,
  ): Promise<string> {
    this.requireAccount();
    const model = this.deps.conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    this.assertCanSend(model);
    const messageId = options?.messageId;
    if (messageId !== undefined && !isMessageId(messageId))
      throw new ParleyError('INVALID_MESSAGE', 'a message id is a UUID');
    // A repeat of a send that went through (docs/decisions/0710): nothing to upload again.
    if (messageId !== undefined && model.rows.get(messageId)?.outgoing) return messageId;
    const id = await this.deps.media.send(conversationId, file, caption, messageId);
    this.shareProfile(conversationId);
    return id;
  }

  async openAttachment(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer>> {
    this.requireAccount();
    return this.deps.media.open(pointer);
  }

  async cachedAttachment(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer> | undefined> {
    this.assertOpen();
    return this.deps.media.cached(pointer);
  }

  cancelTransfer(transferId: string): void {
    this.deps.media.cancel(transferId);
  }

  async deleteAttachmentMedia(pointer: AttachmentPointer): Promise<void> {
    this.requireAccount();
    return this.deps.media.deleteEverywhere(pointer);
  }

  // --- Groups (groups/groups.ts)

  async createGroup(title: string, memberUsernames: readonly string[]): Promise<string> {
    this.requireAccount();
    const id = await relayCall(() => this.deps.groups.create(title, memberUsernames));
    this.shareProfile(id);
    return id;
  }

  async addGroupMembers(
    conversationId: string,
    usernames: readonly string[],
    options: { shareHistory?: boolean } = {},
  ): Promise<void> {
    this.requireAccount();
    await relayCall(() => this.deps.groups.addMembers(conversationId, usernames, options));
    this.shareProfile(conversationId);
  }

  async removeGroupMember(conversationId: string, username: string): Promise<void> {
    this.requireAccount();
    return relayCall(() => this.deps.groups.removeMember(conversationId, username));
  }

  async leaveGroup(conversationId: string): Promise<void> {
    this.requireAccount();
    return this.deps.groups.leave(conversationId);
  }

  async setGroupRole(
    conversationId: string,
    username: string,
    role: 'admin' | 'member',
  ): Promise<void> {
    this.requireAccount();
    return relayCall(() => this.deps.groups.setRole(conversationId, username, role));
  }

  async renameGroup(conversationId: string, title: string): Promise<void> {
    this.requireAccount();
    return this.deps.groups.changeSettings(conversationId, { kind: 'rename', title });
  }

  async changeGroupSetting(conversationId: string, setting: GroupSetting): Promise<void> {
    this.requireAccount();
    return this.deps.groups.changeSettings(conversationId, setting);
  }

  groupInfo(conversationId: string): GroupInfoView | undefined {
    const model = this.deps.conversations.get(conversationId);
    return model ? groupInfoView(model, this.deps) : undefined;
  }

  messageInfo(conversationId: string, messageId: string): MessageInfoView {
    const model = this.deps.conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    return messageInfoView(model, messageId, this.deps);
  }

  /** Marks `messageId` and every earlier incoming message of the conversation read. */
  async markRead(conversationId: string, messageId: string): Promise<void> {
    this.requireAccount();
    return this.deps.composer.markRead(conversationId, messageId);
  }

  // --- Disappearing messages and view-once media (disappearing/)

  async setDisappearingTimer(conversationId: string, seconds: number): Promise<void> {
    this.requireAccount();
    return this.deps.disappearing.setTimer(conversationId, seconds);
  }

  async openViewOnce(conversationId: string, messageId: string): Promise<Uint8Array<ArrayBuffer>> {
    this.requireAccount();
    const bytes = await openViewOnce(this.deps.disappearing.purgeDeps, conversationId, messageId);
    // Once per account, not per device: the account's other devices hide it (and drop its file).
    await this.deps.rich.hideOnOtherDevices(conversationId, [messageId]);
    return bytes;
  }

  setTyping(conversationId: string, typing: boolean): void {
    if (this.closed || !this.deps.device.account || !this.deps.relay.online) return;
    this.deps.composer.setTyping(conversationId, typing);
  }

  conversations(): Observable<readonly ConversationView[]> {
    return this.conversationList;
  }

  messages(conversationId: string): Observable<readonly MessageView[]> {
    return this.deps.views.messages(conversationId);
  }

  showOlderMessages(conversationId: string): void {
    this.deps.views.showOlder(conversationId);
  }

  showMessage(conversationId: string, messageId: string): Promise<boolean> {
    return this.deps.views.showMessage(conversationId, messageId);
  }

  showNewerMessages(conversationId: string): void {
    this.deps.views.showNewer(conversationId);
  }

  async showNewestMessages(conversationId: string): Promise<boolean> {
    return this.deps.views.showNewest(conversationId);
  }

  // --- Search

  async search(query: string, options?: SearchOptions): Promise<SearchResults> {
    this.assertOpen();
    return this.deps.search.search(query, options);
  }

  // --- Identity

  async safetyNumber(username: string): Promise<SafetyNumber> {
    this.requireAccount();
    return this.deps.safetyNumbers.of(username);
  }

  async markVerified(username: string, verified: boolean): Promise<void> {
    this.requireAccount();
    return this.deps.safetyNumbers.markVerified(username, verified);
  }

  async acceptIdentityChange(username: string): Promise<void> {
    this.requireAccount();
    return this.deps.safetyNumbers.acceptChange(username);
  }

  // --- Account settings (account-settings/)

  async updateAccountSettings(change: AccountSettingsChange): Promise<void> {
    this.assertOpen();
    await this.deps.accountSettings.update(change);
    if (change.kind === 'block') this.rotateProfileKey(change.accountId);
  }

  // --- Profiles (profiles/)

  async setProfile(profile: ProfileInput): Promise<void> {
    this.requireAccount();
    return relayCall(() => this.deps.profiles.set(profile));
  }

  // --- Message requests (requests/)

  async acceptMessageRequest(conversationId: string): Promise<void> {
    this.requireAccount();
    await this.deps.requests.accept(conversationId);
    this.shareProfile(conversationId);
  }

  async deleteMessageRequest(conversationId: string): Promise<void> {
    this.requireAccount();
    return this.deps.requests.delete(conversationId);
  }

  async blockMessageRequest(conversationId: string): Promise<void> {
    this.requireAccount();
    const row = this.deps.conversations.get(conversationId)?.row;
    const blocked = row?.peerAccountId ?? row?.invitedBy;
    await this.deps.requests.block(conversationId);
    if (blocked) this.rotateProfileKey(blocked);
  }

  // --- Leaving (account-lifecycle/)

  async signOut(): Promise<void> {
    this.requireAccount();
    return this.deps.lifecycle.signOut(() => this.close());
  }

  async deleteAccount(typedUsername: string): Promise<void> {
    this.requireAccount();
    return this.deps.lifecycle.deleteAccount(typedUsername, () => this.close());
  }

  on(listener: (event: MessengerEvent) => void): () => void {
    return this.deps.events.on(listener);
  }

  /**
   * Resolves when every envelope received so far is applied and durable, and every expiry of
   * disappearing messages started so far is done (tests, benchmarks).
   */
  async settled(): Promise<void> {
    await this.deps.inbox.idle();
    await this.deps.disappearing.idle();
    await this.deps.conversations.reading();
  }

  // --- Web Push (push/)

  async pushPublicKey(): Promise<string> {
    this.assertOpen();
    return this.deps.webPush.publicKey();
  }

  async setPushSubscription(subscription: WebPushSubscription | null): Promise<void> {
    this.requireAccount();
    return this.deps.webPush.setSubscription(subscription);
  }

  async caughtUp(): Promise<void> {
    this.requireAccount();
    await this.deps.catchUp.wait();
    await this.deps.inbox.idle();
  }

  async sent(): Promise<void> {
    this.requireAccount();
    await this.deps.outbox.emptied();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { relay, views, outbox, inbox, stores, db } = this.deps;
    relay.stop();
    this.deps.linking.close();
    views.close();
    await outbox.close();
    await inbox.idle();
    await stores.flush();
    await this.deps.disappearing.close();
    await this.deps.search.close();
    this.deps.media.close();
    this.deps.profiles.close();
    db.close();
  }

  // --- Internals

  private activate(): SelfView {
    const account = this.deps.device.require();
    this.deps.contacts.learn(account.accountId, account.username);
    this.deps.views.self.invalidate();
    this.connect();
    // A device names itself (sealed) once it has credentials, which the relay binds it to.
    this.deps.ownDevices.nameThisDevice();
    return selfView(this.deps.device) as SelfView;
  }

  private connect(): void {
    const credentials = this.deps.device.credentials();
    if (!credentials || this.closed) return;
    this.deps.http.setCredentials(credentials);
    this.deps.relay.start();
  }

  /**
   * The contacts of a conversation the user wrote in, accepted or created get the profile key,
   * and their profiles are fetched (a request just accepted shows its sender's name now). In
   * the background: the send itself is done and durable.
   */
  private shareProfile(conversationId: string): void {
    void this.deps.profiles.shareIn(conversationId).catch((e) => this.deps.events.error(e));
  }

  /** Blocking rotates the profile key on the device where the user blocked (decision 0345). */
  private rotateProfileKey(accountId: string): void {
    void this.deps.profiles.rotateAfterBlock(accountId).catch((e) => this.deps.events.error(e));
  }

  private assertCanSend(model: ConversationModel): void {
    if (model.row.peerGone) throw new ParleyError('ACCOUNT_GONE', 'This account no longer exists');
    this.deps.groups.assertCanSend(model);
  }

  /**
   * Gives the device its account, once: a second register or link while one is under way is
   * refused like one after it (two tabs signing up at once: docs/decisions/0710).
   */
  private async join(create: () => Promise<AccountRow>): Promise<void> {
    this.joining = true;
    try {
      this.deps.device.account = await relayCall(create);
    } finally {
      this.joining = false;
    }
  }

  private requireAccount(): AccountRow {
    this.assertOpen();
    return this.deps.device.require();
  }

  private assertUnregistered(): void {
    this.assertOpen();
    if (this.deps.device.account || this.joining)
      throw new ParleyError('ALREADY_REGISTERED', 'this device already has an account');
  }

  private assertOpen(): void {
    if (this.closed) throw new ParleyError('CLOSED', 'the messenger is closed');
  }
}
