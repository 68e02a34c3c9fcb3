import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import { SessionLock } from '../crypto/session-lock.js';
import { safetyNumberOf } from '../crypto/safety-number.js';
import { AccountKeys } from '../account/account-keys.js';
import { ContentHandler } from '../delivery/content-handler.js';
import {
  announcementContent,
  crdtUpdateContent,
  receiptContent,
  typingContent,
} from '../delivery/contents.js';
import { Conversations, type ConversationModel } from '../conversations/conversations.js';
import { Inbox, type Sender } from '../delivery/inbox.js';
import { Outbox } from '../delivery/outbox.js';
import { Sessions } from '../delivery/sessions.js';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import { directConversationId } from '../conversations/conversation-id.js';
import type { AccountRow, ParleyDatabase } from '../store/database.js';
import { SignalStores } from '../store/signal-stores.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { RelayConnection } from '../transport/relay-connection.js';
import { RelayHttp } from '../transport/relay-http.js';
import type { WebSocketConstructor } from '../transport/websocket.js';
import type {
  ConnectionState,
  ConversationView,
  DeviceLink,
  MessageView,
  Messenger,
  MessengerEvent,
  Observable,
  SafetyNumber,
  SelfView,
} from './api.js';
import { Contacts, checkUsername } from '../account/contacts.js';
import { GroupCommit } from '../delivery/group-commit.js';
import { MAX_TEXT_LENGTH, ParleyError, relayCall } from '../errors.js';
import { Snapshot } from './observable.js';
import { conversationView, messageViews, type ViewContext } from './views.js';

/** Longer than the relay's mailbox retention (30 days by default). */
const PROCESSED_RETENTION_MS = 45 * 24 * 60 * 60 * 1000;

export interface MessengerParts {
  relayUrl: string;
  engine: SignalEngine;
  db: ParleyDatabase;
  WebSocket: WebSocketConstructor;
  coalesceOutbox: boolean;
  outboxLingerMs: number;
  ackDelayMs: number;
}

/** The facade (see api.ts): wires stores, crypto, transport and state, and exposes views. */
export class ParleyMessenger implements Messenger {
  private account: AccountRow | undefined;
  private closed = false;
  private refilling: Promise<void> | undefined;
  private readonly groupCommit: GroupCommit;
  private readonly coalesceOutbox: boolean;
  private readonly engine: SignalEngine;
  private readonly db: ParleyDatabase;
  private readonly http: RelayHttp;
  private readonly lock = new SessionLock();
  private readonly stores: SignalStores;
  private readonly accountKeys: AccountKeys;
  private readonly sessions: Sessions;
  private readonly relay: RelayConnection;
  private readonly outbox: Outbox;
  private readonly inbox: Inbox;
  private readonly conversationStore: Conversations;
  private readonly contentHandler: ContentHandler;
  private readonly contacts: Contacts;
  private readonly listeners = new Set<(event: MessengerEvent) => void>();
  private readonly messageSnapshots = new Map<string, Snapshot<readonly MessageView[]>>();
  private readonly typingTimers = new Set<ReturnType<typeof setTimeout>>();

  readonly self = new Snapshot<SelfView | null>(() =>
    this.account
      ? {
          accountId: this.account.accountId,
          username: this.account.username,
          deviceId: this.account.deviceId,
        }
      : null,
  );
  readonly connection = new Snapshot<ConnectionState>(() => this.relay.state);
  readonly conversationList = new Snapshot<readonly ConversationView[]>(() => {
    const context = this.viewContext();
    return this.conversationStore
      .all()
      .map((model) => conversationView(model, context))
      .sort((a, b) => b.updatedAt - a.updatedAt);
  });

  constructor(parts: MessengerParts) {
    this.engine = parts.engine;
    this.coalesceOutbox = parts.coalesceOutbox;
    this.groupCommit = new GroupCommit(parts.db, {
      stageAppend: (work, conversationId, entries) => {
        const model = this.conversationStore.get(conversationId);
        if (model) this.stageAppend(work, model, entries);
      },
      committed: (work) => this.afterCommit(work),
      coalesceOutbox: parts.coalesceOutbox,
    });
    this.db = parts.db;
    this.http = new RelayHttp(parts.relayUrl);
    this.contacts = new Contacts(this.db, this.http, (error) => this.reportError(error));
    this.stores = new SignalStores(this.db, this.engine, (accountId) =>
      this.identityReplaced(accountId),
    );
    this.accountKeys = new AccountKeys(this.engine, this.db, this.stores, this.http);
    this.sessions = new Sessions(this.engine, this.stores, this.http, this.lock, () =>
      this.localAddress(),
    );
    this.relay = new RelayConnection(
      websocketUrl(parts.relayUrl),
      parts.WebSocket,
      () => this.credentials(),
      {
        onEnvelope: (envelope, live) => this.inbox.push(envelope, live),
        onOnline: () => void this.online(),
        onStateChange: () => this.connection.invalidate(),
        onFatal: (error) =>
          this.emit({ type: 'relay-refused', code: error.code, message: error.message }),
      },
      parts.ackDelayMs,
    );
    this.conversationStore = new Conversations(
      this.db,
      () => this.account?.accountId ?? '',
      (id) => this.conversationChanged(id),
    );
    this.outbox = new Outbox(
      this.engine,
      this.db,
      this.stores,
      this.sessions,
      this.lock,
      this.relay,
      () => this.localAddress(),
      (work, messageIds) => {
        for (const id of messageIds)
          this.conversationStore.raiseStatus(work, id, 'sent', undefined, 'outbox');
      },
      (error) => this.reportError(error),
      parts.coalesceOutbox,
      parts.outboxLingerMs,
    );
    this.contentHandler = new ContentHandler(this.conversationStore, this.outbox, {
      selfAccountId: () => this.account?.accountId ?? '',
      learnUsername: (accountId, username) => this.contacts.learn(accountId, username),
      reject: (sender, reason) => this.decryptFailed(sender, reason),
      typingChanged: () => this.typingChanged(),
    });
    this.inbox = new Inbox(
      this.engine,
      this.db,
      this.stores,
      this.lock,
      () => this.localAddress(),
      (ids) => this.relay.ack(ids),
      {
        handle: (content, sender, work) => this.contentHandler.handle(content, sender, work),
        batchHandled: (work) => this.contentHandler.applyQueued(work),
        committed: (work, usedPreKeys) => {
          // Someone fetched one of our bundles: the relay's stock may be running low.
          if (usedPreKeys) void this.refillPreKeys();
          this.afterCommit(work);
          this.announceReceived(work);
        },
        decryptFailed: (sender, reason) => this.decryptFailed(sender, reason),
      },
      (error) => this.reportError(error),
    );
  }

  /** Restores the registered account (if any) and connects. */
  async open(): Promise<void> {
    this.account = await this.db.account.get('self');
    await this.stores.load();
    // The relay forgets undelivered envelopes after its retention; so may our dedup records.
    await this.db.processedEnvelopes
      .where('at')
      .below(Date.now() - PROCESSED_RETENTION_MS)
      .delete();
    await this.contacts.load();
    await this.outbox.load();
    await this.conversationStore.load(this.outbox.unsentMessageIds());
    this.self.invalidate();
    this.conversationList.invalidate();
    if (this.account) this.connect();
  }

  // --- Account

  async register(username: string): Promise<SelfView> {
    this.assertOpen();
    if (this.account)
      throw new ParleyError('ALREADY_REGISTERED', 'this device already has an account');
    checkUsername(username);
    this.account = await relayCall(() => this.accountKeys.register(username));
    return this.activate();
  }

  /** Creates a single-use link for adding a new device to this account (see DeviceLink). */
  async createDeviceLink(): Promise<DeviceLink> {
    const account = this.requireAccount();
    return relayCall(() => this.accountKeys.createLink(account));
  }

  /** Joins the account a DeviceLink came from, as a new device. */
  async linkDevice(link: DeviceLink): Promise<SelfView> {
    this.assertOpen();
    if (this.account)
      throw new ParleyError('ALREADY_REGISTERED', 'this device already has an account');
    this.account = await relayCall(() => this.accountKeys.link(link));
    // Introduce this device to the account's other devices, so they include it in their sends.
    const work = new UnitOfWork();
    this.outbox.enqueue(work, {
      content: announcementContent(),
      recipientAccountIds: [],
      ownDevices: true,
    });
    await work.commit(this.db);
    return this.activate();
  }

  // --- Conversations

  async openDirectConversation(username: string): Promise<string> {
    const account = this.requireAccount();
    if (username === account.username)
      throw new ParleyError('INVALID_USERNAME', 'cannot open a conversation with yourself');
    const peerAccountId = await this.contacts.lookup(username);
    const id = await directConversationId(account.accountId, peerAccountId);
    const work = new UnitOfWork();
    const model =
      this.conversationStore.get(id) ??
      this.conversationStore.create(work, {
        id,
        kind: 'direct',
        peerAccountId,
        updatedAt: Date.now(),
      });
    const { update } = this.conversationStore.stage(work, model, (doc) =>
      doc.initDirect(
        { accountId: account.accountId, username: account.username },
        { accountId: peerAccountId, username },
      ),
    );
    if (update)
      this.outbox.enqueue(work, {
        content: crdtUpdateContent(id, update),
        recipientAccountIds: [peerAccountId],
        ownDevices: true,
      });
    await this.commit(work);
    return id;
  }

  async sendText(conversationId: string, text: string): Promise<string> {
    const account = this.requireAccount();
    if (text.trim().length === 0 || text.length > MAX_TEXT_LENGTH) {
      throw new ParleyError('INVALID_MESSAGE', `a message has 1 to ${MAX_TEXT_LENGTH} characters`);
    }
    const model = this.requireConversation(conversationId);
    const entry: MessageEntry = {
      id: crypto.randomUUID(),
      kind: 'text',
      senderId: account.accountId,
      senderDeviceId: account.deviceId,
      sentAt: Date.now(),
      body: text,
    };
    if (this.coalesceOutbox) {
      // Appended by the group commit, together with the other messages sent meanwhile.
      await this.groupCommit.append(conversationId, entry);
    } else {
      const work = new UnitOfWork();
      this.stageAppend(work, model, [entry]);
      await this.commit(work);
    }
    return entry.id;
  }

  /** One document update and one outbox row for `entries`, staged on `work`. */
  private stageAppend(work: UnitOfWork, model: ConversationModel, entries: MessageEntry[]): void {
    const { update } = this.conversationStore.stage(work, model, (doc) =>
      doc.appendMessages(entries),
    );
    if (!update) return;
    this.outbox.enqueue(work, {
      content: crdtUpdateContent(model.row.id, update),
      recipientAccountIds: this.peersOf(model),
      ownDevices: true,
      messageIds: entries.map((entry) => entry.id),
    });
  }

  /** Marks `messageId` and every earlier incoming message of the conversation read. */
  async markRead(conversationId: string, messageId: string): Promise<void> {
    this.requireAccount();
    const model = this.requireConversation(conversationId);
    const entries = model.doc.messages();
    const upTo = entries.findIndex((entry) => entry.id === messageId);
    if (upTo < 0)
      throw new ParleyError('UNKNOWN_MESSAGE', `no message ${messageId} in ${conversationId}`);
    const byAuthor = new Map<string, string[]>();
    const work = new UnitOfWork();
    for (const entry of entries.slice(0, upTo + 1)) {
      const row = model.rows.get(entry.id);
      if (!row || row.outgoing || row.status === 'read') continue;
      this.conversationStore.raiseStatus(work, row.id, 'read', conversationId);
      byAuthor.set(row.senderId, [...(byAuthor.get(row.senderId) ?? []), row.id]);
    }
    for (const [author, ids] of byAuthor) {
      this.outbox.enqueue(work, {
        content: receiptContent('read', conversationId, ids),
        recipientAccountIds: [author],
        ownDevices: true,
      });
    }
    await this.commit(work);
  }

  setTyping(conversationId: string, typing: boolean): void {
    if (this.closed || !this.account || !this.relay.online) return;
    const model = this.conversationStore.get(conversationId);
    if (!model) return;
    const work = new UnitOfWork();
    this.outbox.enqueue(work, {
      content: typingContent(conversationId, typing),
      recipientAccountIds: this.peersOf(model),
      ownDevices: false,
    });
    void this.commit(work).catch((error) => this.reportError(error));
  }

  conversations(): Observable<readonly ConversationView[]> {
    return this.conversationList;
  }

  messages(conversationId: string): Observable<readonly MessageView[]> {
    let snapshot = this.messageSnapshots.get(conversationId);
    if (!snapshot) {
      snapshot = new Snapshot(() => {
        const model = this.conversationStore.get(conversationId);
        return model ? messageViews(model, this.viewContext()) : [];
      });
      this.messageSnapshots.set(conversationId, snapshot);
    }
    return snapshot;
  }

  // --- Identity

  async safetyNumber(username: string): Promise<SafetyNumber> {
    const account = this.requireAccount();
    const accountId = await this.contacts.lookup(username);
    const identity = await this.identityOf(accountId);
    return safetyNumberOf(this.engine, account, accountId, identity.publicKey, identity.verified);
  }

  async markVerified(username: string, verified: boolean): Promise<void> {
    this.requireAccount();
    const accountId = await this.contacts.lookup(username);
    const identity = await this.identityOf(accountId);
    await this.stores.putIdentity({ ...identity, verified });
  }

  async acceptIdentityChange(username: string): Promise<void> {
    this.requireAccount();
    const accountId = await this.contacts.lookup(username);
    const identity = this.stores.identityOf(accountId);
    if (!identity?.pendingAcceptance)
      throw new ParleyError('NO_IDENTITY_CHANGE', `${username}'s identity key did not change`);
    // Accepting a new key is not verifying it: the user has to compare safety numbers again.
    await this.stores.putIdentity({ ...identity, pendingAcceptance: false, verified: false });
    this.outbox.kick();
  }

  on(listener: (event: MessengerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every envelope received so far is applied and durable (tests, benchmarks). */
  async settled(): Promise<void> {
    await this.inbox.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.relay.stop();
    for (const timer of this.typingTimers) clearTimeout(timer);
    await this.outbox.close();
    await this.inbox.idle();
    await this.stores.flush();
    this.db.close();
  }

  // --- Internals

  private activate(): SelfView {
    const account = this.account as AccountRow;
    this.contacts.learn(account.accountId, account.username);
    this.self.invalidate();
    this.connect();
    return { accountId: account.accountId, username: account.username, deviceId: account.deviceId };
  }

  private connect(): void {
    if (!this.account || this.closed) return;
    this.http.setCredentials(this.credentials()!);
    this.relay.start();
  }

  /** Each time the socket authenticates: sessions with own devices, prekey stock, then the outbox. */
  private async online(): Promise<void> {
    try {
      await this.sessions.refreshOwnDevices();
    } catch (error) {
      this.reportError(error);
    }
    this.outbox.kick();
    await this.refillPreKeys();
  }

  /** One refill at a time; each checks the relay's counts first. */
  private refillPreKeys(): Promise<void> {
    this.refilling ??= this.accountKeys
      .refillIfLow()
      .catch((error: unknown) => this.reportError(error))
      .finally(() => {
        this.refilling = undefined;
      });
    return this.refilling;
  }

  private commit(work: UnitOfWork): Promise<void> {
    return this.groupCommit.commit(work);
  }

  private afterCommit(work: UnitOfWork): void {
    if (work.outbox.length > 0) this.outbox.kick();
    for (const model of this.conversationStore.all()) {
      void this.conversationStore.compactIfNeeded(model).catch((error) => this.reportError(error));
    }
  }

  private announceReceived(work: UnitOfWork): void {
    const byConversation = new Map<string, string[]>();
    for (const row of work.received) {
      byConversation.set(row.conversationId, [
        ...(byConversation.get(row.conversationId) ?? []),
        row.id,
      ]);
    }
    for (const [conversationId, messageIds] of byConversation) {
      this.emit({ type: 'messages-received', conversationId, messageIds });
    }
  }

  private async identityReplaced(accountId: string): Promise<void> {
    const username = this.contacts.usernameOf(accountId) ?? accountId;
    const work = new UnitOfWork();
    const affected = this.conversationStore
      .all()
      .filter((model) => model.row.peerAccountId === accountId);
    for (const model of affected)
      this.conversationStore.addSystemEntry(
        work,
        model,
        `Your safety number with ${username} changed.`,
      );
    await work.commit(this.db);
    for (const model of affected)
      this.emit({ type: 'safety-number-changed', username, conversationId: model.row.id });
  }

  private async identityOf(accountId: string) {
    let identity = this.stores.identityOf(accountId);
    if (!identity) {
      await relayCall(() => this.sessions.establish(accountId));
      identity = this.stores.identityOf(accountId);
    }
    if (!identity) throw new ParleyError('UNKNOWN_USER', `no identity key known for ${accountId}`);
    return identity;
  }

  private peersOf(model: ConversationModel): string[] {
    const self = this.account?.accountId;
    const members = model.doc.memberList().map(([accountId]) => accountId);
    const peers = new Set(members.filter((id) => id !== self));
    if (model.row.peerAccountId) peers.add(model.row.peerAccountId);
    return [...peers];
  }

  private conversationChanged(conversationId: string): void {
    this.messageSnapshots.get(conversationId)?.invalidate();
    this.conversationList.invalidate();
  }

  /** Typing indicators expire by time: re-render the list once the longest one may have lapsed. */
  private typingChanged(): void {
    this.conversationList.invalidate();
    const timer = setTimeout(() => {
      this.typingTimers.delete(timer);
      this.conversationList.invalidate();
    }, 6_500);
    this.typingTimers.add(timer);
  }

  private decryptFailed(sender: Sender, reason: string): void {
    this.emit({
      type: 'decrypt-failed',
      fromAccountId: sender.accountId,
      fromDeviceId: sender.deviceId,
      reason,
    });
  }

  private reportError(error: unknown): void {
    this.emit({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }

  private emit(event: MessengerEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private viewContext(): ViewContext {
    const self = this.account;
    return {
      selfAccountId: self?.accountId ?? '',
      now: Date.now(),
      usernameOf: (accountId, model) =>
        (accountId === self?.accountId ? self.username : undefined) ??
        this.contacts.usernameOf(accountId) ??
        model.doc.memberList().find(([id]) => id === accountId)?.[1].username ??
        accountId,
    };
  }

  private credentials() {
    const account = this.account;
    return account
      ? { accountId: account.accountId, deviceId: account.deviceId, secret: account.password }
      : undefined;
  }

  /** This device's address; background work may still ask while closing, so no CLOSED check here. */
  private localAddress(): ProtocolAddress {
    const account = this.account;
    if (!account) throw new ParleyError('NOT_REGISTERED', 'register this device first');
    return this.engine.ProtocolAddress.new(account.accountId, account.deviceId);
  }

  private requireAccount(): AccountRow {
    this.assertOpen();
    if (!this.account) throw new ParleyError('NOT_REGISTERED', 'register this device first');
    return this.account;
  }

  private requireConversation(conversationId: string): ConversationModel {
    const model = this.conversationStore.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    return model;
  }

  private assertOpen(): void {
    if (this.closed) throw new ParleyError('CLOSED', 'the messenger is closed');
  }
}

function websocketUrl(relayUrl: string): string {
  const url = new URL('/v1/websocket', relayUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
