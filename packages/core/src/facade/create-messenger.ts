import type { DexieOptions } from 'dexie';
import { RichMessages } from '../rich/rich-messages.js';
import { AccountKeys } from '../account/account-keys.js';
import { AccountLifecycle } from '../account-lifecycle/account-lifecycle.js';
import type { DatabaseFactory } from '../account-lifecycle/delete-databases.js';
import { Farewell } from '../account-lifecycle/farewell.js';
import { GoneAccounts } from '../account-lifecycle/gone-accounts.js';
import { AccountSettings } from '../account-settings/account-settings.js';
import type { LoadAutomerge } from '../account-settings/automerge-loader.js';
import { Contacts } from '../account/contacts.js';
import { LocalDevice } from '../account/local-device.js';
import { SafetyNumbers } from '../account/safety-numbers.js';
import { Conversations } from '../conversations/conversations.js';
import type { SignalEngine } from '../crypto/engine.js';
import { lateEngine } from '../crypto/late-engine.js';
import { SessionLock } from '../crypto/session-lock.js';
import { callEntryText } from '../calls/call-entry.js';
import { CALL_SIGNAL_TTL_SECONDS } from '../calls/limits.js';
import { LazyCalls, type LoadCalls } from '../calls/lazy-calls.js';
import { Composer } from '../delivery/composer.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { ContentHandler } from '../delivery/content-handler.js';
import { SignalDecryption } from '../delivery/decryption.js';
import { GroupCommit } from '../delivery/group-commit.js';
import { Inbox } from '../delivery/inbox.js';
import { Outbox } from '../delivery/outbox.js';
import { Sessions } from '../delivery/sessions.js';
import { Groups } from '../groups/groups.js';
import { DeviceLinking, type LoadProvisioning } from '../linking/device-linking.js';
import { OwnDevices } from '../linking/own-devices.js';
import { HistoryTransfer } from '../linking/history-transfer.js';
import { PendingHistory } from '../linking/pending-history.js';
import { ParleyError } from '../errors.js';
import { BlobTransfer } from '../media/blob-transfer.js';
import { MediaStore } from '../media/media-cache.js';
import { Media } from '../media/media.js';
import {
  accountDocumentSyncContent,
  decodeContent,
  hideMessagesContent,
} from '../delivery/contents.js';
import { SenderKeyExchange } from '../groups/sender-key-exchange.js';
import { PendingGroupMessages } from '../groups/pending-group-messages.js';
import { SenderKeys } from '../groups/sender-keys.js';
import { MessageRequests } from '../requests/message-requests.js';
import { isMessageRequest, strangerTest } from '../requests/request-state.js';
import { ParleyDatabase } from '../store/database.js';
import { Profiles } from '../profiles/profiles.js';
import { DexieProfileStore } from '../profiles/profile-store.js';
import { allContacts, contactsIn, type ContactSource } from '../profiles/profile-contacts.js';
import { profileKeyContent } from '../profiles/profile-key-content.js';
import { DexieStore } from '../store/dexie-store.js';
import type { SealingLimits } from '../history/limits.js';
import type { CoreStore } from '../store/repositories.js';
import { MessageSearch } from '../search/message-search.js';
import type { SearchBackendFactory } from '../search/search-document.js';
import { SignalStores } from '../store/signal-stores.js';
import { CatchUp } from '../push/catch-up.js';
import { WebPush } from '../push/web-push.js';
import { RelayConnection } from '../transport/relay-connection.js';
import { RelayHttp } from '../transport/relay-http.js';
import type { WebSocketConstructor } from '../transport/websocket.js';
import type { Messenger } from './api.js';
import { Events } from './events.js';
import { systemClock, type Clock } from '../disappearing/clock.js';
import { Disappearing } from '../disappearing/disappearing.js';
import { DexieExpiryStore } from '../disappearing/expiry-store.js';
import { LiveViews } from './live-views.js';
import { ParleyMessenger, type MessengerDeps } from './messenger.js';
import { rowsOnDemand } from './rows-on-demand.js';
import { afterLoad } from './after-load.js';

export interface MessengerOptions {
  /** The relay's base URL, e.g. `https://relay.example` (its WebSocket is derived from it). */
  relayUrl: string;
  /** IndexedDB database of this device; reopening the same name restores the account. */
  databaseName: string;
  /**
   * The Signal engine: `nativeEngine` from `@parley/core/native`, or the TypeScript engine; or a
   * lazy import of it, loaded while the first screen is read (crypto/late-engine.ts).
   */
  engine: SignalEngine | (() => Promise<SignalEngine>);
  /** WebSocket constructor; defaults to the global one (browsers, Node >= 22). Node 20: pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** IndexedDB implementation; defaults to the global one. Node tests pass fake-indexeddb here or globally. */
  indexedDB?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>;
  /**
   * Merge queued messages of one conversation into one envelope when several wait in the outbox
   * (default true). Benchmarks turn it off to produce one envelope per message.
   */
  coalesceOutbox?: boolean;
  /**
   * How long an idle outbox waits for more rows before sending (default OUTBOX_LINGER_MS, a few
   * ms): rows committed meanwhile share one envelope. 0 sends at once (benchmark comparisons).
   */
  outboxLingerMs?: number;
  /**
   * How long acks wait to share a frame with later ones (default ACK_DELAY_MS); 0 acks every
   * committed batch at once (tests).
   */
  ackDelayMs?: number;
  /**
   * Makes the search index. A page passes one returning a WorkerSearchBackend (the index in a
   * Web Worker, off the UI thread); Node and a service worker pass `localSearchBackend` from
   * `@parley/core/search` (the index in this thread, persisted in `${databaseName}-search`).
   * Required, so core's entry never carries MiniSearch into a page that does not run it
   * (decision 0500).
   */
  searchBackend: SearchBackendFactory;
  /** Bytes of decrypted attachments kept on this device (default DEFAULT_MEDIA_CACHE_BYTES). */
  mediaCacheBytes?: number;
  /** The clock disappearing messages expire by (default: the system's); tests move a fake one. */
  clock?: Clock;
  /**
   * Loads Automerge and its wasm, for the account document: `nodeAutomerge` from
   * `@parley/core/native` in Node and Electron's backend; browsers load the slim entry and fetch
   * the wasm themselves, away from the first paint (account-settings/automerge-loader.ts).
   */
  automerge: LoadAutomerge;
  /**
   * Where conversations, their documents and projection, the outbox and applied envelope ids
   * live; by default the Dexie database itself. The desktop passes its SQLCipher store, which
   * reads on demand (docs/decisions/0810). Called once with the opened Dexie database.
   */
  store?: (db: ParleyDatabase) => CoreStore;
  /**
   * What this device is, for the account's device list ("Chromium on Linux", "Desktop app on
   * macOS"), and its first name. Sealed to the account's identity key: the relay cannot read it.
   */
  platform?: string;
  /**
   * Resolve as soon as the chat list's first screen is read, and load the rest in the background
   * (docs/decisions/0820); verbs wait for it (facade/after-load.ts). Apps that render at once
   * pass true; by default createMessenger resolves once everything is loaded.
   */
  firstScreenFirst?: boolean;
  /**
   * A chat's messages() holds its newest this many entries at first and grows by as many per
   * showOlderMessages (docs/decisions/0820; TIMELINE_PAGE for a scrolling timeline); by default
   * it holds the whole timeline.
   */
  timelinePage?: number;
  /**
   * How many entries a conversation's live document keeps and how many each sealed segment
   * takes (history/limits.ts, SEALING by default); tests make them small.
   */
  sealing?: SealingLimits;
  /**
   * How many of the next disappearing-message expiry times are held in memory
   * (disappearing/expiry-schedule.ts, EXPIRY_WINDOW by default); tests make it small.
   */
  expiryWindow?: number;
  /**
   * Loads the code that links a device (`@parley/core/provisioning`): a page passes a lazy
   * import so start-up does not carry it, Node a static one. Required for the same reason as
   * `searchBackend`: core's entry must not import it (decision 0503).
   */
  provisioning: LoadProvisioning;
  /**
   * Loads the call logic (`@parley/core/calls`): a page passes a lazy import (fetched on the
   * first call or call signal), Node and the service worker a static one (decision 0503).
   */
  calls: LoadCalls;
}

/**
 * Opens (or creates) this device's database, restores its account if any, and connects. Every part
 * of the messenger is built here, each from one named deps object; the facade only delegates.
 */
export async function createMessenger(options: MessengerOptions): Promise<Messenger> {
  const WebSocketImpl =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketImpl) throw new TypeError('no WebSocket implementation: pass options.WebSocket');
  const db = new ParleyDatabase(options.databaseName, options.indexedDB);
  await db.open();
  const deps = wire(options, db, WebSocketImpl);
  const messenger = new ParleyMessenger(deps);
  const onDemand = rowsOnDemand(messenger, (ids) => deps.conversations.ensure(ids));
  if (!options.firstScreenFirst) {
    await messenger.open();
    return onDemand;
  }
  await messenger.openFirstScreen();
  return afterLoad(onDemand, messenger.loaded);
}

/** Builds the parts and connects their callbacks (parts referenced before built are called later). */
function wire(
  options: MessengerOptions,
  db: ParleyDatabase,
  WebSocket: WebSocketConstructor,
): MessengerDeps {
  const { engine, ready: engineReady } =
    typeof options.engine === 'function'
      ? lateEngine(options.engine)
      : { engine: options.engine, ready: Promise.resolve() };
  const coalesceOutbox = options.coalesceOutbox ?? true;
  const store = options.store?.(db) ?? new DexieStore(db);
  const events = new Events();
  const onError = (error: unknown) => events.error(error);
  const lock = new SessionLock();
  const device = new LocalDevice(engine);
  const local = () => device.address();
  const http = new RelayHttp(options.relayUrl);
  const contacts = new Contacts(db, http, onError);
  const accountSettings = new AccountSettings({
    db,
    loadAutomerge: options.automerge,
    ownDeviceIds: () => (device.account ? sessions.devicesOf(device.accountId) : []),
    send: (work, deviceId, message) =>
      outbox.enqueue(work, {
        content: accountDocumentSyncContent(deviceId, message),
        recipientAccountIds: [],
        ownDevices: true,
      }),
    commit: (work) => groupCommit.commit(work),
  });
  // Names the user gives contacts show in the list and on every bubble of theirs.
  accountSettings.view.subscribe(() => views.invalidateAll());
  const stores = new SignalStores(
    db,
    engine,
    (accountId): Promise<void> => safetyNumbers.replaced(accountId),
    store,
  );
  const accountKeys = new AccountKeys({
    engine,
    db,
    stores,
    http,
    onError,
  });
  const linking = new DeviceLinking({
    relayUrl: options.relayUrl,
    WebSocket,
    http,
    provisioning: options.provisioning,
  });
  const sessions = new Sessions({ engine, stores, http, lock, local });
  const conversations = new Conversations({
    store,
    selfAccountId: () => device.accountId,
    unsentMessageIds: () => outbox.unsentMessageIds(),
    ...(options.sealing ? { sealing: options.sealing } : {}),
    changed: (id) => views.conversationChanged(id),
    rowChanged: (model, row) => disappearing.rowChanged(model, row),
    readAlong: (ids) => pendingGroupMessages.read(ids),
    receiptsRead: (receipts) => groups.receiptsRead(receipts),
    statusNoted: (messageId, status) => disappearing.statusNoted(messageId, status),
    afterStage: (work, model) => {
      rich.reconcile(work, model);
      disappearing.recordTimer(work, model);
    },
  });
  const relay = new RelayConnection({
    url: websocketUrl(options.relayUrl),
    WebSocket,
    credentials: () => device.credentials(),
    events: {
      onEnvelope: (envelope, live) => inbox.push(envelope, live),
      onOnline: () => void online(),
      onDrained: () => catchUp.drained(),
      onDevicesChanged: () => events.emit({ type: 'devices-changed' }),
      onStateChange: () => views.connection.invalidate(),
      onFatal: (error) =>
        events.emit({ type: 'relay-refused', code: error.code, message: error.message }),
    },
    ...(options.ackDelayMs !== undefined ? { ackDelayMs: options.ackDelayMs } : {}),
  });
  const catchUp = new CatchUp(() => relay.drained);
  const senderKeys = new SenderKeys();
  const outbox = new Outbox({
    senderKeys,
    engine,
    store,
    stores,
    sessions,
    lock,
    connection: relay,
    local,
    onSent: (work, messageIds) => {
      for (const id of messageIds) conversations.raiseStatus(work, id, 'sent', undefined, 'outbox');
    },
    onError,
    onAccountsGone: (accountIds) => goneAccounts.mark(accountIds),
    coalesce: coalesceOutbox,
    ...(options.outboxLingerMs !== undefined ? { lingerMs: options.outboxLingerMs } : {}),
  });
  const groupCommit = new GroupCommit({
    store,
    stageAppend: (work, conversationId, entries) => {
      const model = conversations.get(conversationId);
      if (model) composer.stageAppend(work, model, entries);
    },
    committed: (work) => afterCommit(work),
    coalesceOutbox,
  });
  const composer = new Composer({
    device,
    contacts,
    conversations,
    outbox,
    groupCommit,
    store,
    coalesceOutbox,
    onError,
    groupPeers: (model) => (groups.isGroup(model) ? groups.peers(model) : undefined),
    isRequest: (model) => isMessageRequest(model, accountSettings.settings.acceptedRequests),
    privacy: () => accountSettings.settings,
    disappearingSeconds: (model): number => disappearing.timerOf(model),
  });
  const groups = new Groups({
    engine,
    device,
    stores,
    sessions,
    contacts,
    conversations,
    senderKeys,
    outbox,
    commit: (work) => groupCommit.commit(work),
    onError,
  });
  const pendingGroupMessages = new PendingGroupMessages(
    (id) => views.conversationChanged(id),
    (ids) =>
      db.pendingGroupMessages
        .where('conversationId')
        .anyOf([...ids])
        .toArray(),
  );
  const senderKeyExchange = new SenderKeyExchange({
    engine,
    stores,
    senderKeys,
    conversations,
    local,
    selfAccountId: () => device.accountId,
    isMember: (model, accountId) => groups.isMember(model, accountId),
    enqueue: (work, item) => outbox.enqueue(work, item),
    reject: (sender, reason) => events.decryptFailed(sender, reason),
    pending: pendingGroupMessages,
    deliver: async (plaintext, sender, work): Promise<void> =>
      contentHandler.handle(decodeContent(plaintext), sender, work),
  });
  const contentHandler = new ContentHandler({
    conversations,
    outbox,
    selfAccountId: () => device.accountId,
    isBlocked: (accountId) => accountSettings.settings.blocked.includes(accountId),
    isStranger: strangerTest({
      conversations,
      selfAccountId: () => device.accountId,
      acceptedRequests: () => accountSettings.settings.acceptedRequests,
      contactNames: () => accountSettings.settings.contactNames,
    }),
    learnUsername: (accountId, username) => contacts.learn(accountId, username),
    reject: (sender, reason) => events.decryptFailed(sender, reason),
    typingChanged: () => views.typingChanged(),
    accountGone: (accountId) => goneAccounts.mark([accountId]),
    profileKey: (accountId, key, version) => profiles.receiveKey(accountId, key, version),
    hideMessages: (work, conversationId, messageIds) =>
      rich.hideFromOwnDevice(work, conversationId, messageIds),
    accountDocument: {
      selfDeviceId: () => device.require().deviceId,
      receive: (work, fromDeviceId, message) =>
        accountSettings.receive(work, fromDeviceId, message),
      greet: (work, deviceId, fresh) => accountSettings.greet(work, deviceId, fresh),
    },
    callSignal: (content, sender) => calls.receive(content, sender),
    groups: {
      isGroup: (model) => groups.isGroup(model),
      isMember: (model, accountId) => groups.isMember(model, accountId),
      acceptsInvitation: (id, update, sender) => groups.acceptsInvitation(id, update, sender),
      afterRemoteUpdate: (model) => groups.afterRemoteUpdate(model),
      memberReceipt: (model, messageId, sender, status, work) =>
        groups.memberReceipt(model, messageId, sender, status, work),
      receiveDistribution: (id, distribution, sender, work) =>
        senderKeyExchange.receiveDistribution(id, distribution, sender, work),
      answerRequest: (id, sender, work) => senderKeyExchange.answerRequest(id, sender, work),
      diffFor: (model, asker, stateVector) => groups.diffFor(model, asker, stateVector),
      repaired: (id, sender, work) => senderKeyExchange.repaired(id, sender, work),
    },
    history: {
      ownDeviceJoined: (sender) => {
        history.ownDeviceJoined(sender);
        profiles.passKeysToOwnDevices().catch(onError);
      },
      archiveArrived: (archive, sender) => history.archiveArrived(archive, sender),
    },
  });
  const inbox = new Inbox({
    store,
    decryption: new SignalDecryption({ engine, stores, lock, local }),
    ack: (ids) => relay.ack(ids),
    handlers: {
      handle: (content, sender, work) => contentHandler.handle(content, sender, work),
      batchHandled: (work) => contentHandler.applyQueued(work),
      committed: (work, usedPreKeys) => {
        // Someone fetched one of our bundles: the relay's stock may be running low.
        if (usedPreKeys) void accountKeys.refill();
        afterCommit(work);
        announceReceived(work);
      },
      decryptFailed: (sender, reason) => events.decryptFailed(sender, reason),
      senderKeyMissing: (ciphertext, sender, work, envelope) =>
        senderKeyExchange.keyMissing(ciphertext, sender, work, envelope),
    },
    onError,
  });
  const safetyNumbers = new SafetyNumbers({
    engine,
    device,
    stores,
    establishSessions: (accountId) => sessions.establish(accountId),
    contacts,
    conversations,
    store,
    releaseHeldSends: () => outbox.kick(),
    changed: (username, conversationId) =>
      events.emit({ type: 'safety-number-changed', username, conversationId }),
  });
  const views: LiveViews = new LiveViews({
    device,
    conversations,
    contacts,
    onError: (error) => onError(error),
    ...(options.timelinePage !== undefined ? { timelinePage: options.timelinePage } : {}),
    loadRows: (id) => void conversations.ensure([id]).catch(onError),
    connectionState: () => relay.state,
    group: (model) => {
      const state = groups.state(model);
      return state ? { title: state.title, memberCount: state.members.size } : undefined;
    },
    membershipLine: (model, entry): string | undefined =>
      entry.opId
        ? groups.describeOp(model, entry.opId, (id): string => views.nameOf(id, model))
        : undefined,
    placeholders: (model) => pendingGroupMessages.of(model.row.id),
    disappearingSeconds: (model): number => disappearing.timerOf(model),
    rich: (model) => rich.stateOf(model),
    acceptedRequests: () => accountSettings.settings.acceptedRequests,
    contactNames: () => accountSettings.settings.contactNames,
    profileOf: (accountId) => profiles.profileOf(accountId),
  });
  const contactSource: ContactSource = {
    conversations: () => conversations.all(),
    conversation: (id) => conversations.get(id),
    groupPeers: (model) => (groups.isGroup(model) ? groups.peers(model) : undefined),
    acceptedRequests: () => accountSettings.settings.acceptedRequests,
  };
  const profiles = new Profiles({
    ciphers: options.provisioning,
    store: new DexieProfileStore(`${options.databaseName}-profiles`, options.indexedDB),
    relay: http,
    selfAccountId: () => device.accountId,
    ownProfile: () => accountSettings.ownProfile(),
    updateOwnProfile: (fields) => accountSettings.updateProfile(fields),
    blocked: () => accountSettings.settings.blocked,
    contacts: () => allContacts(contactSource),
    contactsIn: (id) => {
      const model = conversations.get(id);
      return model ? contactsIn(contactSource, model) : [];
    },
    sendKey: (accountIds, key, version) => {
      const work = new UnitOfWork();
      outbox.enqueue(work, {
        content: profileKeyContent(key, version),
        recipientAccountIds: [...accountIds],
        ownDevices: false,
      });
      return groupCommit.commit(work);
    },
    sendKeysToOwnDevices: (rows) => {
      const work = new UnitOfWork();
      for (const row of rows)
        outbox.enqueue(work, {
          content: profileKeyContent(row.key, row.announcedVersion, row.accountId),
          recipientAccountIds: [],
          ownDevices: true,
        });
      return groupCommit.commit(work);
    },
    changed: (accountId) => {
      // A profile name shows in the list and on the bubbles of its chats (rare: re-render all).
      views.invalidateAll();
      events.emit({ type: 'profile-changed', accountId });
    },
    onError,
  });
  accountSettings.view.subscribe(() => profiles.view.invalidate());
  const search = new MessageSearch({
    backend: options.searchBackend({
      databaseName: options.databaseName,
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      onError,
    }),
    store,
    conversationList: () => views.conversationList.getSnapshot(),
    usernameOf: (accountId) =>
      accountId === device.accountId
        ? (device.account?.username ?? accountId)
        : (contacts.usernameOf(accountId) ?? accountId),
    nameOf: (accountId, conversationId) => {
      const model = conversations.get(conversationId);
      return model ? views.nameOf(accountId, model) : accountId;
    },
    onError,
  });
  store.onCommitted((work) => search.committed(work));
  const blobs = new BlobTransfer(options.relayUrl, () => {
    const credentials = device.credentials();
    if (!credentials) throw new ParleyError('NOT_REGISTERED', 'no account on this device');
    return `Basic ${btoa(`${credentials.accountId}.${credentials.deviceId}:${credentials.secret}`)}`;
  });
  const history = new HistoryTransfer({
    device,
    conversations,
    blobs,
    outbox,
    pending: new PendingHistory(db),
    commit: async (work) => {
      await store.commit(work);
      afterCommit(work);
      // Imported chats make contacts whose keys may have come first (passKeysToOwnDevices).
      profiles.refreshContacts();
    },
    importConversation: (archived, sender, work) =>
      contentHandler.importConversation(archived, sender, work),
    onError,
  });
  const media = new Media({
    store: new MediaStore(
      `${options.databaseName}-media`,
      options.indexedDB,
      options.mediaCacheBytes,
    ),
    transfer: blobs,
    // An upload resumed at start posts to a chat whose rows may not be read yet (0821).
    post: async (conversationId, caption, attachments, messageId, extras) => {
      await conversations.ensure([conversationId]);
      return composer.sendText(conversationId, caption, attachments, messageId, extras);
    },
    onError,
  });
  const disappearing: Disappearing = new Disappearing({
    device,
    conversations,
    groups,
    outbox,
    commit: (work) => groupCommit.commit(work),
    db,
    search,
    media,
    store: new DexieExpiryStore(`${options.databaseName}-disappearing`, options.indexedDB),
    clock: options.clock ?? systemClock,
    ...(options.expiryWindow ? { expiryWindow: options.expiryWindow } : {}),
    onError,
  });

  const rich = new RichMessages({
    conversations,
    device,
    sign: (message) =>
      engine.IdentityKeyPair.deserialize(device.require().identityKeyPair).privateKey.sign(message),
    verify: (accountId, message, signature) =>
      identityKeyOf(accountId)?.verify(message, signature) ?? false,
    publish: (work, model, update) => composer.publish(work, model, update),
    hideOnOwnDevices: (work, conversationId, messageIds) =>
      outbox.enqueue(work, {
        content: hideMessagesContent(conversationId, messageIds),
        recipientAccountIds: [],
        ownDevices: true,
      }),
    commit: (work) => groupCommit.commit(work),
    purgeMedia: (pointer, scope) =>
      scope === 'everywhere' ? media.deleteEverywhere(pointer) : media.forget(pointer),
    onError,
  });

  /** An account's identity key as this device knows it (own key pair; others' from sessions). */
  function identityKeyOf(
    accountId: string,
  ): ReturnType<typeof engine.PublicKey.deserialize> | undefined {
    const account = device.account;
    if (account && accountId === account.accountId)
      return engine.IdentityKeyPair.deserialize(account.identityKeyPair).publicKey;
    const row = stores.identityOf(accountId);
    return row ? engine.PublicKey.deserialize(row.publicKey) : undefined;
  }

  const calls = new LazyCalls({
    load: options.calls,
    onError,
    calls: {
      selfDevice: () => {
        const account = device.account;
        return account ? `${account.accountId}.${account.deviceId}` : undefined;
      },
      membersOf: (conversationId) => {
        const model = conversations.get(conversationId);
        // A stranger's message request does not ring: it has not been accepted.
        if (!model || isMessageRequest(model, accountSettings.settings.acceptedRequests))
          return undefined;
        if (groups.isGroup(model)) return { accounts: groups.peers(model), group: true };
        const peer = model.row.peerAccountId;
        return peer ? { accounts: [peer], group: false } : undefined;
      },
      titleOf: (conversationId) =>
        views.conversationList.getSnapshot().find((view) => view.id === conversationId)?.title ??
        '',
      usernameOf: (accountId, conversationId) => {
        const model = conversations.get(conversationId);
        return model ? views.usernameOf(accountId, model) : accountId;
      },
      send: (recipientAccountIds, ownDevices, content, expires) => {
        const work = new UnitOfWork();
        // Useless when late: the relay drops what a device away for a minute never fetched.
        outbox.enqueue(work, {
          content,
          recipientAccountIds,
          ownDevices,
          ...(expires ? { ttlSeconds: CALL_SIGNAL_TTL_SECONDS } : {}),
        });
        void groupCommit.commit(work).catch(onError);
      },
      network: () => http.iceServers(),
      record: (conversationId, record) => {
        const model = conversations.get(conversationId);
        if (!model) return;
        const work = new UnitOfWork();
        conversations.addSystemEntry(work, model, callEntryText(record), record);
        void groupCommit.commit(work).catch(onError);
      },
    },
  });

  const goneAccounts = new GoneAccounts({
    conversations,
    store,
    forgetContact: (accountId) => contacts.forget(accountId),
    onError,
  });
  const requests = new MessageRequests({
    conversations,
    outbox,
    commit: (work) => groupCommit.commit(work),
    block: (accountId) => accountSettings.update({ kind: 'block', accountId }),
    accepted: (conversationId) =>
      accountSettings.update({ kind: 'accept-request', conversationId }),
    acceptedRequests: () => accountSettings.settings.acceptedRequests,
    unindex: (messageIds) =>
      void search.apply({ remove: messageIds }).catch((error) => onError(error)),
    leaveGroup: (conversationId) => groups.leave(conversationId),
  });
  const lifecycle = new AccountLifecycle({
    device,
    http,
    relay,
    farewell: new Farewell({
      conversations,
      outbox,
      commit: (work) => groupCommit.commit(work),
      groups,
      selfAccountId: () => device.accountId,
      online: () => relay.state === 'online',
    }),
    indexedDB: () => indexedDBFactory(options),
    // The account database, the search index's and the media cache's (see their constructors).
    databaseNames: [
      options.databaseName,
      `${options.databaseName}-search`,
      `${options.databaseName}-media`,
      `${options.databaseName}-disappearing`,
      `${options.databaseName}-profiles`,
    ],
    emit: (event) => events.emit(event),
  });

  /** Each time the socket authenticates: sessions with own devices, prekey stock, then the outbox. */
  async function online(): Promise<void> {
    try {
      await sessions.refreshOwnDevices();
    } catch (error) {
      onError(error);
    }
    outbox.kick();
    // Profiles whose fetch failed while the relay could not be reached are fetched now.
    profiles.refreshContacts();
    await accountKeys.refill();
  }

  function afterCommit(work: UnitOfWork): void {
    if (work.outbox.length > 0) outbox.kick();
    for (const model of conversations.all())
      void conversations.compactIfNeeded(model).catch(onError);
  }

  function announceReceived(work: UnitOfWork): void {
    const byConversation = new Map<string, string[]>();
    for (const row of work.received)
      byConversation.set(row.conversationId, [
        ...(byConversation.get(row.conversationId) ?? []),
        row.id,
      ]);
    for (const [conversationId, messageIds] of byConversation)
      events.emit({ type: 'messages-received', conversationId, messageIds });
  }

  return {
    db,
    store,
    device,
    http,
    relay,
    engineReady,
    stores,
    sessions,
    accountKeys,
    linking,
    ownDevices: new OwnDevices({
      ciphers: options.provisioning,
      engine,
      device,
      http,
      platform: options.platform,
      onError,
    }),
    history,
    contacts,
    safetyNumbers,
    conversations,
    composer,
    groups,
    outbox,
    inbox,
    views,
    events,
    search,
    accountSettings,
    media,
    requests,
    lifecycle,
    rich,
    webPush: new WebPush(http),
    catchUp,
    disappearing,
    calls,
    profiles,
  };
}

function indexedDBFactory(options: MessengerOptions): DatabaseFactory {
  const factory =
    (options.indexedDB?.indexedDB as DatabaseFactory | undefined) ??
    (globalThis as { indexedDB?: DatabaseFactory }).indexedDB;
  if (!factory) throw new TypeError('no IndexedDB: pass options.indexedDB');
  return factory;
}

function websocketUrl(relayUrl: string): string {
  const url = new URL('/v1/websocket', relayUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
