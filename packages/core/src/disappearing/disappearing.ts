import type { LocalDevice } from '../account/local-device.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { crdtUpdateContent } from '../delivery/contents.js';
import type { Outbox } from '../delivery/outbox.js';
import { ParleyError } from '../errors.js';
import type { Groups } from '../groups/groups.js';
import type { Media } from '../media/media.js';
import type { MessageRow, StoredMessageStatus } from '../store/database.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import { directChatTimer } from './chat-timer.js';
import type { Clock } from './clock.js';
import { ExpirySchedule } from './expiry-schedule.js';
import type { ExpiryRow, ExpiryStore, WaitingBlobRow } from './expiry-store.js';
import { purgeMessages, type PurgeDeps } from './purge.js';
import { checkTimer } from './timers.js';

export interface DisappearingDeps extends PurgeDeps {
  device: LocalDevice;
  conversations: PurgeDeps['conversations'] & Pick<Conversations, 'get' | 'all' | 'ensure'>;
  groups: Pick<Groups, 'isGroup' | 'state' | 'changeSettings'>;
  outbox: Pick<Outbox, 'enqueue'>;
  media: PurgeDeps['media'] & Pick<Media, 'deleteEverywhere' | 'open'>;
  store: ExpiryStore;
  clock: Clock;
  /** How many of the next expiry times are held (EXPIRY_WINDOW; smaller in tests). */
  expiryWindow?: number;
  onError(error: unknown): void;
}

/**
 * Disappearing messages on this device. A message carries the chat's timer from when it was sent
 * (MessageEntry.disappearingSeconds); its timer starts when it is sent (on its author's devices)
 * or read (on the recipients'), and when it runs out the message is purged here (purge.ts). Each
 * device runs its own timers, so expiry needs no message and works offline; times are stored, so
 * a restart (or a device that was off) applies what fell due meanwhile at the next start.
 */
export class Disappearing {
  private readonly schedule: ExpirySchedule;
  /** Blob ids of expired messages that wait for a read receipt before their deletion on the relay. */
  private readonly blobsWaitingFor = new Map<string, string[]>();
  /** Expiries run one batch at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  /** load() took the stored times: until then rowChanged leaves rows to load()'s own scan. */
  private loaded = false;
  /** Timers started in this task, stored together (a chat's rows read start many at once). */
  private starting: ExpiryRow[] = [];

  constructor(private readonly deps: DisappearingDeps) {
    this.schedule = new ExpirySchedule(
      deps.clock,
      deps.store,
      (rows) => void this.expire(rows),
      deps.expiryWindow,
    );
  }

  /** What purging needs (view-once.ts purges too). */
  get purgeDeps(): DisappearingDeps {
    return this.deps;
  }

  /**
   * The chat's timer in seconds (0: off): a group's from its membership log. A direct chat whose
   * document was not decoded yet answers from its row (recordTimer), so the chat list decodes
   * nothing.
   */
  timerOf(model: ConversationModel): number {
    const recorded = model.row.disappearingSeconds;
    if (!model.docLoaded && isKnownDirect(model) && recorded !== undefined) return recorded;
    if (this.deps.groups.isGroup(model))
      return this.deps.groups.state(model)?.disappearingSeconds ?? 0;
    return directChatTimer(model.doc);
  }

  /**
   * After a change to a direct chat's document (Conversations' afterStage): its row records the
   * timer the document now says, staged on the same unit of work when it changed.
   */
  recordTimer(work: UnitOfWork, model: ConversationModel): void {
    if (!isKnownDirect(model)) return;
    const seconds = directChatTimer(model.doc);
    if (model.row.disappearingSeconds === seconds) return;
    model.row = { ...model.row, disappearingSeconds: seconds };
    work.conversations.set(model.row.id, model.row);
  }

  /**
   * Sets the chat's timer. Groups: a membership-log op (only admins when the group says so;
   * groups/). Direct chats: either member, as a timer entry both devices show.
   */
  async setTimer(conversationId: string, seconds: number): Promise<void> {
    checkTimer(seconds);
    const { conversations, groups, device } = this.deps;
    const model = conversations.get(conversationId);
    if (!model) throw new ParleyError('UNKNOWN_CONVERSATION', `no conversation ${conversationId}`);
    if (this.timerOf(model) === seconds) return;
    if (groups.isGroup(model))
      return groups.changeSettings(conversationId, { kind: 'set-timer', seconds });
    const account = device.require();
    const work = new UnitOfWork();
    const { update } = conversations.stage(work, model, (doc) =>
      doc.appendTimerChange({
        id: crypto.randomUUID(),
        kind: 'timer',
        senderId: account.accountId,
        senderDeviceId: account.deviceId,
        sentAt: Date.now(),
        body: '',
        timerSeconds: seconds,
      }),
    );
    if (update && model.row.peerAccountId)
      this.deps.outbox.enqueue(work, {
        content: crdtUpdateContent(conversationId, update),
        recipientAccountIds: [model.row.peerAccountId],
        ownDevices: true,
      });
    await this.deps.commit(work);
  }

  /**
   * At start, after the conversations loaded: the next stored expiry times (a window of them:
   * expiry-schedule.ts), plus times for messages whose timer started without one being stored (a
   * crash); what fell due while the device was off is purged before this resolves.
   */
  async load(): Promise<void> {
    for (const row of await this.deps.store.waitingBlobs())
      this.blobsWaitingFor.set(row.messageId, [
        ...(this.blobsWaitingFor.get(row.messageId) ?? []),
        row.blobId,
      ]);
    await this.schedule.read();
    // The chats whose rows are read; the others start what a crash lost when theirs are read
    // (rowChanged), and the stored times above expire messages of chats never read (0821).
    const started: ExpiryRow[] = [];
    for (const model of this.deps.conversations.all())
      for (const row of model.rowsLoaded ? model.rows.values() : []) {
        const expiry = this.startedExpiry(model, row);
        if (expiry) started.push(expiry);
      }
    this.loaded = true;
    this.schedule.add(await this.deps.store.putNew(started));
    // The window read may be all due, and the next one too: batches until nothing held is due.
    let queue: Promise<void>;
    do {
      queue = this.expire(this.schedule.takeDue());
      await queue;
      // Until nothing held is due and no batch the timer handed out meanwhile is left running.
    } while (this.schedule.hasDue() || queue !== this.queue);
  }

  /** Conversations hook: a message arrived or its status rose; start its timer if due. */
  rowChanged(model: ConversationModel, row: MessageRow): void {
    if (!this.loaded) return;
    const expiry = this.startedExpiry(model, row);
    if (!expiry) return;
    // A time not held may be stored already (past the window): the stored one stands.
    if (this.starting.push(expiry) > 1) return;
    queueMicrotask(() => {
      const rows = this.starting.splice(0);
      this.deps.store
        .putNew(rows)
        .then((stored) => this.schedule.add(stored))
        .catch((error) => this.deps.onError(error));
    });
  }

  /** Conversations hook: a read receipt releases the relay blobs of an expired message. */
  statusNoted(messageId: string, status: StoredMessageStatus): void {
    const blobIds = status === 'read' ? this.blobsWaitingFor.get(messageId) : undefined;
    if (!blobIds) return;
    this.blobsWaitingFor.delete(messageId);
    void this.deleteOnRelay(blobIds)
      .then(() => this.deps.store.removeWaitingBlobs(messageId))
      .catch((error) => this.deps.onError(error));
  }

  /** Resolves once the expiries started so far are done (tests). */
  idle(): Promise<void> {
    return this.queue;
  }

  /** Stops the timers, lets a running expiry finish, then closes the store. */
  async close(): Promise<void> {
    this.schedule.close();
    await this.queue;
    this.deps.store.close();
  }

  /** This row's expiry if its timer has started and none is scheduled yet. */
  private startedExpiry(model: ConversationModel, row: MessageRow): ExpiryRow | undefined {
    const seconds = row.disappearingSeconds;
    if (!seconds || row.kind !== 'text' || this.schedule.has(row.id)) return undefined;
    // An author's devices count from sending; a recipient's from reading here (or on another
    // of its devices: the read status arrives the same way).
    const start = row.outgoing ? row.sentAt : row.status === 'read' ? this.deps.clock.now() : 0;
    if (!start) return undefined;
    return { messageId: row.id, conversationId: model.row.id, expiresAt: start + seconds * 1000 };
  }

  private expire(rows: readonly ExpiryRow[]): Promise<void> {
    if (rows.length === 0) return this.queue;
    const run = async (): Promise<void> => {
      for (const [conversationId, ids] of byConversation(rows)) {
        await this.deps.conversations.ensure([conversationId]);
        const model = this.deps.conversations.get(conversationId);
        if (!model) continue;
        // Decided before anything is awaited: a read receipt may arrive during the purge.
        const { now, waiting } = this.blobsOf([...ids].flatMap((id) => model.rows.get(id) ?? []));
        await purgeMessages(this.deps, model, ids);
        await this.deps.store.addWaitingBlobs(waiting);
        await this.deleteOnRelay(now);
      }
      const ids = rows.map((row) => row.messageId);
      await this.deps.store.remove(ids);
      await this.schedule.done(ids);
    };
    this.queue = this.queue.then(run).catch((error) => this.deps.onError(error));
    return this.queue;
  }

  /**
   * The relay blobs of this account's expiring messages: deleted now when the message was read,
   * else once a read receipt says so (statusNoted). Recipients cannot delete (the relay refuses),
   * and an author deleting early would take the file from a recipient who has not opened the
   * chat yet; with no read receipt ever (turned off) the relay's own blob expiry deletes it.
   */
  private blobsOf(rows: readonly MessageRow[]): { now: string[]; waiting: WaitingBlobRow[] } {
    const now: string[] = [];
    const waiting: WaitingBlobRow[] = [];
    for (const row of rows) {
      const blobIds = row.outgoing ? (row.attachments ?? []).map((pointer) => pointer.blobId) : [];
      if (blobIds.length === 0) continue;
      if (row.status === 'read') now.push(...blobIds);
      else {
        this.blobsWaitingFor.set(row.id, blobIds);
        waiting.push(...blobIds.map((blobId) => ({ blobId, messageId: row.id })));
      }
    }
    return { now, waiting };
  }

  private async deleteOnRelay(blobIds: readonly string[]): Promise<void> {
    for (const blobId of blobIds) await this.deps.media.deleteEverywhere({ blobId });
  }
}

function byConversation(rows: readonly ExpiryRow[]): Map<string, Set<string>> {
  const ids = new Map<string, Set<string>>();
  for (const row of rows)
    ids.set(row.conversationId, (ids.get(row.conversationId) ?? new Set()).add(row.messageId));
  return ids;
}

/**
 * A direct chat with a peer: its id is derived from the two accounts, so it is never a group (a
 * row an own device's update created has no peer until its document tells, content-handler.ts).
 */
function isKnownDirect(model: ConversationModel): boolean {
  return model.row.kind === 'direct' && model.row.peerAccountId !== undefined;
}
