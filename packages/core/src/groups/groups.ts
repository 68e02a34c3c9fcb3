/**
 * Group conversations on this device (docs/decisions/0610-group-messaging.md): the verbs that
 * write signed membership ops into a group's document, the effective membership (the fold) that
 * every send fans out to, and the reactions to membership changes (rotating this device's sender
 * key when somebody leaves or is removed, handing a new member the document).
 *
 * The relay learns nothing about membership: it sees sends to device lists.
 */
import { describeTimerChange } from '../disappearing/timers.js';
import * as Y from 'yjs';
import type { Contacts } from '../account/contacts.js';
import type { LocalDevice } from '../account/local-device.js';
import type { ConversationDoc } from '../conversations/conversation-doc.js';
import { LOCAL_ORIGIN } from '../conversations/conversation-doc.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import type { SignalEngine } from '../crypto/engine.js';
import { crdtUpdateContent } from '../delivery/contents.js';
import type { Sessions } from '../delivery/sessions.js';
import type { SignalStores } from '../store/signal-stores.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { GroupError } from './errors.js';
import { MAX_GROUP_MEMBERS } from './limits.js';
import { canSend, foldMembership, type GroupState } from './membership-fold.js';
import { MembershipLog, membershipArray, type LocalAuthor } from './membership-log.js';
import { joinPointOf, recordJoins, redactedDiff, withholdRedacted } from './history-boundary.js';
import { groupIdFor, newGroupNonce, type OpBody, type VerifyFn } from './membership-op.js';
import { MemberReceipts, type MessageReceipts } from './member-receipts.js';
import type { SenderKeys } from './sender-keys.js';
import type { Sender } from '../delivery/inbox.js';
import type { ReceiptRow, StoredMessageStatus } from '../store/database.js';

export interface GroupsDeps {
  engine: SignalEngine;
  device: LocalDevice;
  stores: SignalStores;
  sessions: Pick<Sessions, 'establish'>;
  contacts: Pick<Contacts, 'lookup' | 'learn'>;
  conversations: Conversations;
  senderKeys: SenderKeys;
  outbox: {
    enqueue(
      work: UnitOfWork,
      item: {
        content: Uint8Array<ArrayBuffer>;
        recipientAccountIds: string[];
        ownDevices: boolean;
        groupId?: string;
      },
    ): void;
  };
  commit(work: UnitOfWork): Promise<void>;
  onError(error: unknown): void;
}

/** One group's membership, as this device folds it. */
export interface GroupMembership {
  state: GroupState;
  /** Usernames by account id, as the members' documents introduced them (display only). */
  usernames: ReadonlyMap<string, string>;
}

export class Groups {
  private readonly logs = new Map<string, MembershipLog>();
  private readonly receipts = new MemberReceipts();

  constructor(private readonly deps: GroupsDeps) {}

  /**
   * Keeps the members' receipts among stored receipts read with their chats' rows
   * (Conversations.ensure): a chat's are read when it is first used, never all at start (0821).
   * A receipt for a chat not read yet is read first too (the content handler ensures its chat).
   */
  receiptsRead(rows: readonly ReceiptRow[]): void {
    for (const row of rows) if (row.group) this.receipts.note(row);
  }

  isGroup(model: ConversationModel): boolean {
    return this.logOf(model) !== undefined;
  }

  /**
   * Records a member's receipt (staged on `work`) and returns the status the message reaches:
   * 'read' once every current member other than this account has read it, else 'delivered'.
   */
  memberReceipt(
    model: ConversationModel,
    messageId: string,
    sender: Sender,
    status: 'delivered' | 'read',
    work: UnitOfWork,
  ): StoredMessageStatus {
    const row: ReceiptRow = {
      key: `${messageId}/${sender.accountId}/${status}`,
      messageId,
      accountId: sender.accountId,
      kind: status,
      at: Date.now(),
      deviceId: sender.deviceId,
      group: true,
    };
    if (this.receipts.note(row)) {
      work.receipts.push(row);
      // The message-info view changed even when the message's own status did not.
      this.deps.conversations.touchView(model.row.id);
    }
    return this.receipts.allReported(messageId, 'read', this.peers(model)) ? 'read' : 'delivered';
  }

  /**
   * What `asker` misses of a group's document (state repair): the history before its join point
   * redacted, and nothing this device itself holds redacted (history-boundary.ts).
   */
  diffFor(model: ConversationModel, asker: string, stateVector: Uint8Array): Uint8Array {
    const doc = model.doc.doc;
    const self = this.deps.device.accountId;
    const since = withholdRedacted(doc, joinPointOf(doc, self), stateVector);
    const join = asker === self ? undefined : joinPointOf(doc, asker);
    return join ? redactedDiff(doc, join, since) : model.doc.diffSince(since);
  }

  /** Who has a message delivered and read, and when (the message-info view). */
  receiptsOf(messageId: string): MessageReceipts {
    return this.receipts.of(messageId);
  }

  /** Refuses a send by an account the fold does not let send (removed, left, admins-only). */
  assertCanSend(model: ConversationModel): void {
    const state = this.state(model);
    if (state && !canSend(state, this.deps.device.accountId))
      throw new GroupError('rejected-op', 'you cannot send to this group', 'not-a-member');
  }

  /** The folded membership of a group conversation; undefined for other conversations. */
  state(model: ConversationModel): GroupState | undefined {
    return this.logOf(model)?.state;
  }

  /** The accounts a group send goes to: the fold's members, this account excluded. */
  peers(model: ConversationModel): string[] {
    const self = this.deps.device.accountId;
    return [...(this.state(model)?.members.keys() ?? [])].filter((id) => id !== self);
  }

  isMember(model: ConversationModel, accountId: string): boolean {
    return this.state(model)?.members.has(accountId) ?? false;
  }

  // --- Verbs

  async create(title: string, usernames: readonly string[]): Promise<string> {
    const account = this.deps.device.require();
    const members = await this.resolve(usernames);
    if (members.length + 1 > MAX_GROUP_MEMBERS)
      throw new GroupError('invalid-op', `a group has at most ${MAX_GROUP_MEMBERS} members`);
    // Their identity keys verify their ops; their sessions carry our sender key.
    await this.establishAll(members.map((m) => m.accountId));
    const nonce = newGroupNonce();
    const id = groupIdFor(account.accountId, nonce);
    const work = new UnitOfWork();
    const model = this.deps.conversations.create(work, {
      id,
      kind: 'group',
      updatedAt: Date.now(),
    });
    const sorted = members.map((m) => m.accountId).sort();
    const { update } = this.deps.conversations.stage(work, model, (doc) => {
      initGroupMeta(doc, [
        { accountId: account.accountId, username: account.username },
        ...members,
      ]);
      const op = this.requireLog(model).append(
        { kind: 'create', nonce, title, members: sorted },
        this.author(),
        LOCAL_ORIGIN,
      );
      this.mark(doc, op.id);
    });
    if (update) this.announce(work, model, update, sorted);
    await this.deps.commit(work);
    return id;
  }

  /**
   * Adds members. They get the history from this point on, unless `shareHistory` (then all of
   * it): see history-boundary.ts.
   */
  async addMembers(
    conversationId: string,
    usernames: readonly string[],
    { shareHistory = false }: { shareHistory?: boolean } = {},
  ): Promise<void> {
    const model = this.requireGroup(conversationId);
    const added = await this.resolve(usernames);
    await this.establishAll(added.map((m) => m.accountId));
    const log = this.requireLog(model);
    const work = new UnitOfWork();
    const joinVector = shareHistory ? undefined : model.doc.stateVector();
    const { update } = this.deps.conversations.stage(work, model, (doc) => {
      initGroupMeta(doc, added);
      doc.doc.transact(
        () =>
          recordJoins(
            doc.doc,
            added.map((m) => m.accountId),
            joinVector,
          ),
        LOCAL_ORIGIN,
      );
      for (const member of added)
        this.mark(
          doc,
          log.append({ kind: 'add', member: member.accountId }, this.author(), LOCAL_ORIGIN).id,
        );
    });
    if (update) {
      this.sendToGroup(work, model, update);
      // A new member needs the whole document to apply anything: hand it over 1:1, the history
      // before the add redacted unless shared.
      const snapshot = joinVector
        ? redactedDiff(model.doc.doc, Y.decodeStateVector(joinVector))
        : model.doc.snapshot();
      this.deps.outbox.enqueue(work, {
        content: crdtUpdateContent(model.row.id, snapshot),
        recipientAccountIds: added.map((m) => m.accountId),
        ownDevices: false,
      });
    }
    await this.deps.commit(work);
  }

  async removeMember(conversationId: string, username: string): Promise<void> {
    const model = this.requireGroup(conversationId);
    const [target] = await this.resolve([username]);
    await this.appendAndSend(model, { kind: 'remove', member: (target as Member).accountId }, [
      (target as Member).accountId,
    ]);
  }

  async leave(conversationId: string): Promise<void> {
    await this.appendAndSend(this.requireGroup(conversationId), { kind: 'leave' });
  }

  async setRole(conversationId: string, username: string, role: 'admin' | 'member'): Promise<void> {
    const model = this.requireGroup(conversationId);
    const [target] = await this.resolve([username]);
    const member = (target as Member).accountId;
    await this.appendAndSend(model, { kind: role === 'admin' ? 'promote' : 'demote', member });
  }

  /** Rename, avatar, disappearing timer, admins-only settings: the settings ops the fold knows. */
  async changeSettings(
    conversationId: string,
    body: Extract<OpBody, { kind: 'rename' | 'set-avatar' | 'set-timer' | 'set-admins-only' }>,
  ): Promise<void> {
    await this.appendAndSend(this.requireGroup(conversationId), body);
  }

  // --- Receiving

  /**
   * An update for a conversation this device does not have: accepted as a group invitation when
   * it holds a group document whose fold (with every author's identity key) makes both this
   * account and the sender members.
   */
  async acceptsInvitation(
    conversationId: string,
    update: Uint8Array,
    senderAccountId: string,
  ): Promise<boolean> {
    const scratch = new Y.Doc();
    try {
      Y.applyUpdate(scratch, update);
    } catch {
      return false;
    }
    if (scratch.getMap('meta').get('kind') !== 'group') return false;
    const entries = membershipArray(scratch).toArray();
    await this.establishAll(authorsOf(entries));
    const state = foldMembership(entries, { groupId: conversationId, verify: this.verify });
    const self = this.deps.device.accountId;
    return state.members.has(self) && state.members.has(senderAccountId);
  }

  /**
   * After remote updates were applied: authors whose identity key this device lacks get it
   * fetched, and the log is folded afresh (their ops counted as bad signatures until then).
   */
  afterRemoteUpdate(model: ConversationModel): void {
    const log = this.logOf(model);
    if (!log) return;
    const unknown = [
      ...new Set(
        log.state.ignored
          .filter((op) => op.reason === 'bad-signature' && !this.hasKey(op.author))
          .map((op) => op.author),
      ),
    ];
    if (unknown.length === 0) return;
    void this.establishAll(unknown)
      .then(() => this.rebuild(model))
      .catch(this.deps.onError);
  }

  /**
   * The timeline line of op `opId`: undefined unless the fold applied it (a marker naming an
   * ignored or unknown op shows nothing). `nameOf` gives a member's username.
   */
  describeOp(
    model: ConversationModel,
    opId: string,
    nameOf: (accountId: string) => string,
  ): string | undefined {
    const log = this.logOf(model);
    if (!log || !log.state.applied.includes(opId)) return undefined;
    const op = log.entries().find((e) => (e as { id?: unknown } | null)?.id === opId) as
      (OpBody & { author: string }) | undefined;
    if (!op) return undefined;
    const self = this.deps.device.accountId;
    const who = (id: string) => (id === self ? 'You' : nameOf(id));
    const whom = (id: string) => (id === self ? 'you' : nameOf(id));
    const by = who(op.author);
    switch (op.kind) {
      case 'create':
        return `${by} created the group "${op.title}"`;
      case 'add':
        return `${by} added ${whom(op.member)}`;
      case 'remove':
        return op.member === self ? `${by} removed you` : `${by} removed ${whom(op.member)}`;
      case 'leave':
        return `${by} left`;
      case 'promote':
        return `${by} made ${whom(op.member)} an admin`;
      case 'demote':
        return `${by} dismissed ${whom(op.member)} as admin`;
      case 'rename':
        return `${by} renamed the group to "${op.title}"`;
      case 'set-avatar':
        return `${by} changed the group photo`;
      case 'set-timer':
        return describeTimerChange(by, op.seconds);
      case 'set-admins-only':
        return `${by} let ${op.adminsOnly ? 'only admins' : 'all members'} ${
          op.scope === 'send' ? 'send messages' : 'edit group info'
        }`;
    }
  }

  // --- Internals

  /** A timeline marker for op `opId`, written with it (see MessageEntry.kind). */
  private mark(doc: ConversationDoc, opId: string): void {
    const account = this.deps.device.require();
    doc.appendMessages([
      {
        id: crypto.randomUUID(),
        kind: 'membership',
        senderId: account.accountId,
        senderDeviceId: account.deviceId,
        sentAt: Date.now(),
        body: '',
        opId,
      },
    ]);
  }

  private logOf(model: ConversationModel): MembershipLog | undefined {
    if (model.row.kind !== 'group' && model.doc.kind !== 'group') return undefined;
    return this.requireLog(model);
  }

  private requireLog(model: ConversationModel): MembershipLog {
    let log = this.logs.get(model.row.id);
    if (!log) {
      log = new MembershipLog(model.doc.doc, model.row.id, this.verify);
      this.watch(model, log);
      this.logs.set(model.row.id, log);
    }
    return log;
  }

  private rebuild(model: ConversationModel): void {
    this.logs.delete(model.row.id);
    const before = this.deps.conversations.get(model.row.id);
    if (before) this.requireLog(before);
    this.deps.conversations.touchView(model.row.id);
  }

  /** Membership changes: rotate when anybody is gone, and let views re-render. */
  private watch(model: ConversationModel, log: MembershipLog): void {
    log.observe((state, previous) => {
      const gone = [...previous.members.keys()].some((id) => !state.members.has(id));
      if (gone) this.deps.senderKeys.rotate(model.row.id);
      this.deps.conversations.touchView(model.row.id);
    });
  }

  private async appendAndSend(
    model: ConversationModel,
    body: OpBody,
    alsoTo: readonly string[] = [],
  ): Promise<void> {
    const log = this.requireLog(model);
    const work = new UnitOfWork();
    const { update } = this.deps.conversations.stage(work, model, (doc) =>
      this.mark(doc, log.append(body, this.author(), LOCAL_ORIGIN).id),
    );
    if (update) {
      this.sendToGroup(work, model, update);
      // A removed member learns of its removal over 1:1, never through the (rotated) sender key.
      if (alsoTo.length > 0)
        this.deps.outbox.enqueue(work, {
          content: crdtUpdateContent(model.row.id, update),
          recipientAccountIds: [...alsoTo],
          ownDevices: false,
        });
    }
    await this.deps.commit(work);
  }

  private announce(
    work: UnitOfWork,
    model: ConversationModel,
    update: Uint8Array<ArrayBuffer>,
    members: readonly string[],
  ): void {
    this.deps.outbox.enqueue(work, {
      content: crdtUpdateContent(model.row.id, update),
      recipientAccountIds: [...members],
      ownDevices: true,
      groupId: model.row.id,
    });
  }

  private sendToGroup(
    work: UnitOfWork,
    model: ConversationModel,
    update: Uint8Array<ArrayBuffer>,
  ): void {
    this.announce(work, model, update, this.peers(model));
  }

  private requireGroup(conversationId: string): ConversationModel {
    const model = this.deps.conversations.get(conversationId);
    if (!model || !this.logOf(model))
      throw new GroupError('invalid-op', `no group conversation ${conversationId}`);
    return model;
  }

  private async resolve(usernames: readonly string[]): Promise<Member[]> {
    const self = this.deps.device.require();
    const unique = [...new Set(usernames.map((u) => u.trim()).filter((u) => u.length > 0))];
    const members: Member[] = [];
    for (const username of unique) {
      if (username === self.username) continue;
      members.push({ accountId: await this.deps.contacts.lookup(username), username });
    }
    return members;
  }

  private async establishAll(accountIds: readonly string[]): Promise<void> {
    const self = this.deps.device.accountId;
    for (const accountId of accountIds) {
      if (accountId === self || this.hasKey(accountId)) continue;
      await this.deps.sessions.establish(accountId);
    }
  }

  private hasKey(accountId: string): boolean {
    return accountId === this.deps.device.accountId || !!this.deps.stores.identityOf(accountId);
  }

  private author(): LocalAuthor {
    const account = this.deps.device.require();
    const keys = this.deps.engine.IdentityKeyPair.deserialize(account.identityKeyPair);
    return {
      accountId: account.accountId,
      deviceId: account.deviceId,
      sign: (message) => keys.privateKey.sign(message),
    };
  }

  /** Identity keys as this device knows them (own account from its key pair, others from sessions). */
  private readonly verify: VerifyFn = (accountId, message, signature) => {
    const account = this.deps.device.account;
    let key;
    if (account && accountId === account.accountId) {
      key = this.deps.engine.IdentityKeyPair.deserialize(account.identityKeyPair).publicKey;
    } else {
      const row = this.deps.stores.identityOf(accountId);
      if (!row) return false;
      key = this.deps.engine.PublicKey.deserialize(row.publicKey);
    }
    return key.verify(message, signature);
  };
}

interface Member {
  accountId: string;
  username: string;
}

/**
 * Marks the document a group's and records members' usernames for display. Authority over who is
 * a member is the membership log alone; `members` here only names accounts.
 */
function initGroupMeta(doc: ConversationDoc, members: readonly Member[]): void {
  doc.initGroup(members);
}

function authorsOf(entries: readonly unknown[]): string[] {
  const authors = new Set<string>();
  for (const entry of entries) {
    const author = (entry as { author?: unknown } | null)?.author;
    if (typeof author === 'string') authors.add(author);
  }
  return [...authors];
}
