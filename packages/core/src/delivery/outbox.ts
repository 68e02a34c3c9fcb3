import type { MessageInitShape } from '@bufbuild/protobuf';
import { EnvelopeType, newClientId, type OutgoingMessageSchema } from '@parley/protocol';
import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import type { SessionLock } from '../crypto/session-lock.js';
import type { OutboxRow } from '../store/database.js';
import type { OutboxRepository, UnitOfWorkStore } from '../store/repositories.js';
import type { SignalStores } from '../store/signal-stores.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import type { RelayConnection } from '../transport/relay-connection.js';
import { RelayError } from '../transport/relay-errors.js';
import {
  encryptForGroup,
  pageFanout,
  type GroupCiphertexts,
  type Prelude,
} from '../groups/group-encryption.js';
import type { SenderKeys } from '../groups/sender-keys.js';
import { coalesceOutbox, stageMerges, type Merge } from './outbox-coalescing.js';
import {
  INITIAL_OUTBOX_STATE,
  clearLeftTimers,
  nextOutboxState,
  type OutboxEvent,
  type OutboxState,
} from './outbox-state.js';
import { IdentityHeldError, isEngineError, type Sessions } from './sessions.js';
import { remainingTtl } from './time-to-live.js';

/** Rows encrypted and sent together (the relay allows 256 unanswered requests per socket). */
export const OUTBOX_WINDOW = 64;
/** Rows sent and not yet answered, across pipelined pages (the relay's limit is 256 per socket). */
const MAX_REQUESTS_IN_FLIGHT = 192;
/** Pause before looking again at rows the relay could not take (e.g. the socket dropped). */
const KEPT_ROWS_RETRY_MS = 1_000;
/** Longest a RATE_LIMITED retry-after is honoured in one wait (a quota's "never" included). */
const MAX_RATE_LIMITED_WAIT_MS = 60_000;
/** Attempts per row within one drain when the relay reports a changed device set. */
const MAX_DEVICE_SET_RETRIES = 3;
/**
 * A busy outbox waits this long after the first kick before reading its next page, so that the
 * rows committed meanwhile go out together (one encryption, session flush, envelope and
 * acknowledgement instead of one each): at a steady rate the fixed cost per page dominated the
 * sender's CPU (docs/decisions/0370). Small next to the 50 ms latency budget.
 */
export const OUTBOX_LINGER_MS = 8;
/**
 * An outbox that has not started a drain for this long is idle: the next row goes out at once,
 * without lingering; nothing else is coming to share its envelope (a person sending a message).
 */
export const OUTBOX_IDLE_AFTER_MS = 100;
/**
 * How long the deletion of acknowledged rows waits to ride on the next page's transaction before
 * it is committed alone. Until then a crash only means those rows are sent again after the
 * reload: with their idempotency keys (the relay stores each once), or merged with newer rows
 * under a new key, delivered twice then, which is harmless (outbox-coalescing.ts). A failed
 * deletion waits for the next page, acknowledgement or close() the same way.
 */
export const ACKED_COMMIT_DELAY_MS = 25;

type OutgoingMessage = MessageInitShape<typeof OutgoingMessageSchema>;
/** What one row becomes: the messages of one fan-out, after a sender-key prelude for groups. */
type Encrypted = GroupCiphertexts;

export interface OutboxItem {
  content: Uint8Array<ArrayBuffer>;
  recipientAccountIds: string[];
  ownDevices: boolean;
  messageIds?: string[];
  /** A group message: encrypted once with the sender key (groups/group-encryption.ts). */
  groupId?: string;
  /**
   * Hold the row this long before sending it, so that rows arriving meanwhile are coalesced with
   * it (delivered receipts: a busy receiver owes one per received batch).
   */
  delayMs?: number;
  /** See OutboxRow.ttlSeconds. */
  ttlSeconds?: number;
}

export interface OutboxDeps {
  engine: SignalEngine;
  /** Where the outbox rows live (read once at open; written through units of work). */
  store: OutboxRepository & UnitOfWorkStore;
  stores: SignalStores;
  sessions: Sessions;
  /** Serializes session use with the inbox's decryptions. */
  lock: SessionLock;
  connection: RelayConnection;
  /** This device's address; throws before registration. */
  local(): ProtocolAddress;
  /** Called inside the acknowledgement's unit of work: the rows' messages are now 'sent'. */
  onSent(work: UnitOfWork, messageIds: string[]): void;
  onError(error: unknown): void;
  /** The relay no longer knows these accounts (deleted): account-lifecycle/gone-accounts.ts. */
  onAccountsGone?(accountIds: string[]): void;
  /** This device's sender keys, for rows with a groupId. */
  senderKeys: SenderKeys;
  /** Merge queued document updates of one conversation into one envelope (outbox-coalescing.ts; default true). */
  coalesce?: boolean;
  /** See OUTBOX_LINGER_MS (its default). */
  lingerMs?: number;
}

/**
 * The durable outbox. Rows are staged in the same transaction as the change they announce and
 * deleted only when the relay acknowledged the send (= durably stored for every device). Every
 * attempt carries the row's idempotency key, so a retry after a lost answer is stored once.
 * Each attempt encrypts afresh for the current device set; a retried ciphertext the relay
 * discards only advances our ratchet, which the receiver's skipped-key handling absorbs.
 *
 * The table is mirrored in memory (`rows`): only units of work write it, and they report every
 * commit, so pages are taken from memory instead of a read transaction per page; and the
 * deletions of acknowledged rows join the next page's transaction (docs/decisions/0370).
 *
 * When it drains (idle, lingering, draining, closed) and its timers are one state, with its
 * transitions in outbox-state.ts; the fields beside it are data: the mirror, the pending
 * deletion, and the bookkeeping of the pages in flight.
 */
export class Outbox {
  private state: OutboxState = INITIAL_OUTBOX_STATE;
  /** The outbox table as committed, by seq (ascending: seqs only grow), minus acknowledged rows. */
  private readonly rows = new Map<number, OutboxRow>();
  /** Callers of emptied() waiting for the last row to go. */
  private emptyWaiters: (() => void)[] = [];
  /** Deletions of acknowledged rows (and what they stage) not committed yet. */
  private acked = new UnitOfWork();
  /** Outbox rows (by seq) whose page is being sent; a later page read skips them. */
  private readonly inFlight = new Set<number>();
  /** See takeRetryAfter. */
  private retryAfterMs = 0;
  private readonly pages = new Set<Promise<void>>();
  private requestsInFlight = 0;
  /** Resolves when the latest page's encryption and session flush are done. */
  private encrypted: Promise<void> = Promise.resolve();
  /** Callers of whenStored, each woken when none of its keys is left in the mirror. */
  private readonly storedWaiters = new Set<{ keys: Set<string>; resolve: () => void }>();

  private readonly engine: SignalEngine;
  private readonly store: OutboxRepository & UnitOfWorkStore;
  private readonly stores: SignalStores;
  private readonly sessions: Sessions;
  private readonly lock: SessionLock;
  private readonly connection: RelayConnection;
  private readonly local: () => ProtocolAddress;
  private readonly onSent: (work: UnitOfWork, messageIds: string[]) => void;
  private readonly onError: (error: unknown) => void;
  private readonly onAccountsGone: (accountIds: string[]) => void;
  private readonly coalesce: boolean;
  private readonly lingerMs: number;
  private readonly senderKeys: SenderKeys;

  constructor(deps: OutboxDeps) {
    this.engine = deps.engine;
    this.store = deps.store;
    this.stores = deps.stores;
    this.sessions = deps.sessions;
    this.lock = deps.lock;
    this.connection = deps.connection;
    this.local = () => deps.local();
    this.onSent = (work, messageIds) => deps.onSent(work, messageIds);
    this.onError = (error) => deps.onError(error);
    this.onAccountsGone = (accountIds) => deps.onAccountsGone?.(accountIds);
    this.coalesce = deps.coalesce ?? true;
    this.lingerMs = deps.lingerMs ?? OUTBOX_LINGER_MS;
    this.senderKeys = deps.senderKeys;
    deps.store.onCommitted((work) => this.mirror(work));
  }

  /** Reads the table once, when the messenger opens; commits keep the mirror current after. */
  async load(): Promise<void> {
    for (const row of await this.store.loadOutbox()) this.rows.set(row.seq as number, row);
  }

  /** Message ids of rows not acknowledged yet (their messages are still 'pending'). */
  unsentMessageIds(): Set<string> {
    return new Set([...this.rows.values()].flatMap((row) => row.messageIds));
  }

  /** Idempotency keys of the rows committed and not acknowledged yet. */
  pendingKeys(): Set<string> {
    return new Set([...this.rows.values()].map((row) => row.idempotencyKey));
  }

  /**
   * Resolves once the relay stored every committed row with one of these keys (a key no longer
   * in the table counts as stored): account deletion waits for its notices (account-lifecycle/).
   */
  whenStored(keys: Iterable<string>): Promise<void> {
    const pending = this.pendingKeys();
    const waiting = new Set([...keys].filter((key) => pending.has(key)));
    if (waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.storedWaiters.add({ keys: waiting, resolve }));
  }

  private mirror(work: UnitOfWork): void {
    for (const row of work.outbox) if (row.seq !== undefined) this.rows.set(row.seq, row);
    for (const seq of work.deletedOutbox) this.rows.delete(seq);
    if (this.rows.size > 0) return;
    const waiters = this.emptyWaiters;
    this.emptyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once no row waits (everything committed so far was accepted by the relay). */
  emptied(): Promise<void> {
    if (this.rows.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  private wakeStoredWaiters(stored: OutboxRow[]): void {
    for (const waiter of this.storedWaiters) {
      for (const row of stored) waiter.keys.delete(row.idempotencyKey);
      if (waiter.keys.size > 0) continue;
      this.storedWaiters.delete(waiter);
      waiter.resolve();
    }
  }

  enqueue(work: UnitOfWork, item: OutboxItem): void {
    work.outbox.push({
      idempotencyKey: newClientId(), // time-ordered: the relay's index stays compact (0156)
      content: item.content,
      recipientAccountIds: item.recipientAccountIds,
      ownDevices: item.ownDevices,
      messageIds: item.messageIds ?? [],
      createdAt: Date.now(),
      ...(item.delayMs ? { notBefore: Date.now() + item.delayMs } : {}),
      ...(item.groupId ? { groupId: item.groupId } : {}),
      ...(item.ttlSeconds ? { ttlSeconds: item.ttlSeconds } : {}),
    });
  }

  /**
   * Starts (or re-runs) a drain: at once when the outbox is idle, after the linger window when it
   * is busy; cheap to call after every change.
   */
  kick(): void {
    const state = this.state;
    if (state.kind === 'closed' || state.kind === 'lingering') return;
    if (state.kind === 'draining') return this.transition('again');
    const idle = performance.now() - state.since > OUTBOX_IDLE_AFTER_MS;
    if (this.lingerMs <= 0 || idle) return this.startDrain();
    const timer = setTimeout(() => {
      const current = this.state;
      if (current.kind === 'lingering' && current.linger === timer) this.startDrain();
    }, this.lingerMs);
    this.transition({ type: 'linger', timer });
  }

  /** From idle or lingering. */
  private startDrain(): void {
    const startedAt = performance.now();
    const pass = this.drain()
      .catch(this.onError)
      .finally(() => {
        const state = this.state;
        const again = state.kind === 'draining' && state.again;
        this.transition('drained');
        // Rows committed during this pass: the next one lingers too, to gather more of them.
        if (again) this.kick();
      });
    this.transition({ type: 'drain', pass, startedAt });
  }

  async close(): Promise<void> {
    const state = this.state;
    this.transition('close');
    await (state.kind === 'draining' ? state.pass : undefined);
    await Promise.allSettled([...this.pages]);
    await this.state.timers.committingAcked;
    await this.commitAcked();
  }

  /** A call, not a property read, so that TypeScript keeps no narrowing of it across awaits. */
  private isClosed(): boolean {
    return this.state.kind === 'closed';
  }

  /** Moves to the next state; the timers of what it left are cleared. */
  private transition(event: OutboxEvent): void {
    const previous = this.state;
    const next = nextOutboxState(previous, event);
    if (next === previous) return;
    clearLeftTimers(previous, next);
    this.state = next;
  }

  /**
   * Pages are pipelined: the next page is read, encrypted and sent while earlier ones still wait
   * for the relay's answers (at most MAX_REQUESTS_IN_FLIGHT rows on the socket). Waiting for each
   * page's answers and acknowledgement before reading the next made every row queued meanwhile
   * wait a full round trip plus two transactions (docs/decisions/0370).
   */
  private async drain(): Promise<void> {
    let lastSeq = 0;
    for (;;) {
      if (this.isClosed() || !this.connection.online) return;
      while (this.requestsInFlight > MAX_REQUESTS_IN_FLIGHT - OUTBOX_WINDOW) {
        await Promise.race([...this.pages]);
      }
      // Page through the outbox so a 10,000-row backlog is never encrypted at once.
      const page = this.page(lastSeq);
      if (page.length === 0) break;
      lastSeq = page.at(-1)?.seq ?? lastSeq;
      const lastPage = page.length < OUTBOX_WINDOW;
      const held = this.stores.heldAccounts();
      const now = Date.now();
      // A delayed row goes with any due row to one of its recipients, so that a later row
      // (e.g. a read receipt) never overtakes it.
      const due = new Set(
        page.filter((row) => !isDelayed(row, now)).flatMap((row) => row.recipientAccountIds),
      );
      const ready = page.filter(
        (row) =>
          !this.inFlight.has(row.seq as number) &&
          !row.recipientAccountIds.some((id) => held.has(id)) &&
          (row.recipientAccountIds.some((id) => due.has(id)) || !this.heldBack(row, now)),
      );
      if (ready.length === 0) {
        if (lastPage) break;
        continue;
      }
      const { rows, merges } = this.coalesce ? coalesceOutbox(ready) : { rows: ready, merges: [] };
      for (const row of ready) this.inFlight.add(row.seq as number);
      this.requestsInFlight += rows.length;
      const sending: Promise<void> = this.sendPage(rows, merges)
        .catch(this.onError)
        .finally(() => {
          for (const row of [...ready, ...rows]) this.inFlight.delete(row.seq as number);
          this.requestsInFlight -= rows.length;
          this.pages.delete(sending);
        });
      this.pages.add(sending);
      // Encryption and the session flush are done once sendPage has yielded to its answers.
      await this.encrypted;
      // A short page was the end of the outbox (rows committed since then kicked `again`).
      if (lastPage) break;
    }
  }

  /** Up to OUTBOX_WINDOW rows after `afterSeq`, in order. */
  private page(afterSeq: number): OutboxRow[] {
    const page: OutboxRow[] = [];
    for (const [seq, row] of this.rows) {
      if (seq <= afterSeq) continue;
      page.push(row);
      if (page.length === OUTBOX_WINDOW) break;
    }
    return page;
  }

  /**
   * Drains again after `delayMs` (at least KEPT_ROWS_RETRY_MS): kept rows are retried, never
   * dropped. A RATE_LIMITED answer's retry-after sets the delay, so a limited sender backs off
   * as long as the relay asks instead of hammering it.
   */
  /** The longest retry-after of the RATE_LIMITED answers since the last retry was planned. */
  private takeRetryAfter(): number {
    const delay = this.retryAfterMs;
    this.retryAfterMs = 0;
    return delay;
  }

  private retryLater(delayMs = KEPT_ROWS_RETRY_MS): void {
    const state = this.state;
    if (state.kind === 'closed' || state.timers.retry) return;
    const timer = setTimeout(
      () => {
        if (this.state.timers.retry !== timer) return;
        this.transition('retried');
        this.kick();
      },
      Math.min(Math.max(KEPT_ROWS_RETRY_MS, delayMs), MAX_RATE_LIMITED_WAIT_MS),
    );
    this.transition({ type: 'retry', timer });
  }

  /** A row whose delay has not run out yet; a timer drains again when it does. */
  private heldBack(row: OutboxRow, now: number): boolean {
    if (row.notBefore === undefined || !isDelayed(row, now)) return false;
    const state = this.state;
    const wake = state.timers.wake;
    // (Closed: no drain follows, so no timer either.)
    if (state.kind !== 'closed' && (wake === undefined || row.notBefore < wake.at)) {
      const timer = setTimeout(() => {
        if (this.state.timers.wake?.timer !== timer) return;
        this.transition('woken');
        this.kick();
      }, row.notBefore - now);
      this.transition({ type: 'wake', at: row.notBefore, timer });
    }
    return true;
  }

  /**
   * Encrypts a page of rows, makes the advanced session state durable once (a ciphertext must
   * never leave before the ratchet step that made it is saved) together with the merged rows
   * that replace their sources, sends them all concurrently and acknowledges the accepted ones
   * in one transaction.
   */
  private async sendPage(rows: OutboxRow[], merges: Merge[]): Promise<void> {
    let encrypted!: () => void;
    this.encrypted = new Promise<void>((resolve) => (encrypted = resolve));
    const prepared: Array<{ row: OutboxRow; messages: Encrypted }> = [];
    const lapsed: OutboxRow[] = [];
    try {
      for (const row of rows) {
        // Its time to live ran out while it waited (offline): nobody may receive it any more.
        if (remainingTtl(row, Date.now()) === 0) {
          lapsed.push(row);
          continue;
        }
        const messages = await this.encryptUnlessHeld(row);
        if (messages) prepared.push({ row, messages });
      }
      const work = new UnitOfWork();
      stageMerges(work, merges);
      const acked = this.takeAcked();
      if (acked) work.absorb(acked);
      try {
        await this.stores.flushWith(work);
      } catch (error) {
        if (acked) this.acked.absorb(acked);
        throw error;
      }
      for (const { merged } of merges) this.inFlight.add(merged.seq as number);
    } finally {
      encrypted();
    }
    this.acknowledge(lapsed);
    const outcomes = await Promise.all(
      prepared.map(({ row, messages }) => this.send(row, messages)),
    );
    // A row kept for later may be missed by a drain that started while it was in flight (e.g.
    // right after a reconnect): look again shortly.
    if (outcomes.includes('keep')) this.retryLater(this.takeRetryAfter());
    this.acknowledge(prepared.filter((_, i) => outcomes[i] === 'stored').map((p) => p.row));
    for (const [i, { row }] of prepared.entries()) {
      if (outcomes[i] === 'retry') await this.deliverAlone(row);
    }
  }

  /** A row whose recipients' device set changed: sessions were fixed, try again on its own. */
  private async deliverAlone(row: OutboxRow): Promise<void> {
    for (let attempt = 0; attempt < MAX_DEVICE_SET_RETRIES; attempt++) {
      const messages = await this.encryptUnlessHeld(row);
      if (!messages) return;
      await this.stores.flush();
      const outcome = await this.send(row, messages);
      if (outcome === 'stored') this.acknowledge([row]);
      if (outcome !== 'retry') return;
    }
  }

  /** 'stored': the relay has it; 'retry': sessions changed, encrypt again; 'keep': try on the next drain. */
  private async send(row: OutboxRow, encrypted: Encrypted): Promise<'stored' | 'retry' | 'keep'> {
    const { prelude, messages } = encrypted;
    if (messages.length === 0) return 'stored';
    try {
      if (prelude) await this.sendPrelude(row, prelude);
      // A group fan-out may exceed one send (1,024 members with several devices): page it. Each
      // page has its own idempotency key derived from the row's, so a retry stores none twice.
      const pages = row.groupId ? pageFanout(messages) : [messages];
      const ttl = remainingTtl(row, Date.now());
      if (ttl === 0) return 'stored'; // lapsed while it was encrypted: dropped unsent
      await Promise.all(
        pages.map((page, i) =>
          this.connection.send({
            clientId: pageClientId(row.idempotencyKey, i),
            messages: page,
            ...(ttl !== undefined && { ttlSeconds: ttl }),
          }),
        ),
      );
      return 'stored';
    } catch (error) {
      if (!(error instanceof RelayError)) throw error;
      if (error.code === 'MISMATCHED_DEVICES') {
        await this.sessions.reconcile(error.mismatchedDevices);
        return 'retry';
      }
      if (error.code === 'NOT_FOUND' && error.unknownAccounts.length > 0) {
        // Accounts that no longer exist: deliver to the rest, forget the gone ones.
        row.recipientAccountIds = row.recipientAccountIds.filter(
          (id) => !error.unknownAccounts.includes(id),
        );
        await this.stores.deleteSessionsOf(error.unknownAccounts);
        this.onAccountsGone(error.unknownAccounts);
        return 'retry';
      }
      if (error.code === 'RATE_LIMITED') {
        this.retryAfterMs = Math.max(this.retryAfterMs, error.retryAfterMs);
      }
      // UNREACHABLE, RATE_LIMITED and friends: the row stays and is sent again later.
      return 'keep';
    }
  }

  /** The sender key goes first, so it is in every mailbox before the message it opens. */
  private async sendPrelude(row: OutboxRow, prelude: Prelude): Promise<void> {
    const pages = pageFanout(prelude.messages);
    await Promise.all(
      pages.map((page, i) =>
        this.connection.send({
          clientId: pageClientId(`${row.idempotencyKey}k`, i),
          messages: page,
        }),
      ),
    );
    this.senderKeys.distributed(prelude.groupId, prelude.distributionId, prelude.destinations);
  }

  private async encryptUnlessHeld(row: OutboxRow): Promise<Encrypted | undefined> {
    try {
      return await this.encrypt(row);
    } catch (error) {
      if (
        error instanceof IdentityHeldError ||
        isEngineError(this.engine, error, 'UntrustedIdentity')
      ) {
        return undefined;
      }
      throw error;
    }
  }

  private async encrypt(row: OutboxRow): Promise<Encrypted> {
    const self = this.local();
    const accounts = row.ownDevices
      ? [...row.recipientAccountIds, self.name()]
      : row.recipientAccountIds;
    const destinations: ProtocolAddress[] = [];
    for (const accountId of new Set(accounts)) {
      let devices = this.sessions.devicesOf(accountId);
      if (devices.length === 0 && accountId !== self.name()) {
        if (!(await this.establishUnlessGone(row, accountId))) continue;
        devices = this.sessions.devicesOf(accountId);
      }
      for (const deviceId of devices)
        destinations.push(this.engine.ProtocolAddress.new(accountId, deviceId));
    }
    const groupId = row.groupId;
    if (groupId !== undefined) {
      const deps = { engine: this.engine, stores: this.stores, senderKeys: this.senderKeys };
      return this.lock.run(() => encryptForGroup(deps, self, groupId, row.content, destinations));
    }
    return this.lock.run(async () => {
      const messages: OutgoingMessage[] = [];
      for (const destination of destinations) {
        const ciphertext = await this.engine.signalEncrypt(
          row.content,
          destination,
          self,
          this.stores,
          this.stores,
        );
        messages.push({
          destination: { accountId: destination.name(), deviceId: destination.deviceId() },
          type:
            ciphertext.type() === this.engine.CiphertextMessageType.PreKey
              ? EnvelopeType.PREKEY_MESSAGE
              : EnvelopeType.SIGNAL_MESSAGE,
          content: ciphertext.serialize(),
        });
      }
      return { messages };
    });
  }

  /**
   * Sessions with an account this device has none with; false when the relay no longer knows the
   * account (deleted): the row goes to the others, as after a send naming it (NOT_FOUND).
   */
  private async establishUnlessGone(row: OutboxRow, accountId: string): Promise<boolean> {
    try {
      await this.sessions.establish(accountId);
      return true;
    } catch (error) {
      if (!(error instanceof RelayError) || error.code !== 'NOT_FOUND') throw error;
      row.recipientAccountIds = row.recipientAccountIds.filter((id) => id !== accountId);
      this.onAccountsGone([accountId]);
      return false;
    }
  }

  /**
   * Rows the relay stored leave the mirror now; their deletion is committed with the next page's
   * transaction, or alone after ACKED_COMMIT_DELAY_MS.
   */
  private acknowledge(rows: OutboxRow[]): void {
    if (rows.length === 0) return;
    for (const row of rows) {
      if (row.seq !== undefined) {
        this.rows.delete(row.seq);
        this.acked.deletedOutbox.push(row.seq);
      }
      this.onSent(this.acked, row.messageIds);
    }
    this.wakeStoredWaiters(rows);
    if (this.state.timers.ackedCommit) return;
    const timer = setTimeout(() => {
      const committing: Promise<void> = this.commitAcked()
        .catch(this.onError)
        .finally(() => this.transition({ type: 'acked-committed', committing }));
      this.transition({ type: 'acked-committing', committing });
    }, ACKED_COMMIT_DELAY_MS);
    this.transition({ type: 'acked-timer', timer });
  }

  /** The acknowledged rows' pending deletion, handed to a transaction about to run. */
  private takeAcked(): UnitOfWork | undefined {
    this.transition('acked-taken');
    if (this.acked.isEmpty) return undefined;
    const acked = this.acked;
    this.acked = new UnitOfWork();
    return acked;
  }

  private async commitAcked(): Promise<void> {
    const acked = this.takeAcked();
    if (!acked) return;
    try {
      // Lost, the deletion only means the rows are sent again (see ACKED_COMMIT_DELAY_MS).
      await this.store.commit(acked, 'relaxed');
    } catch (error) {
      this.acked.absorb(acked);
      throw error;
    }
  }
}

/** Client ids of a paged send: the row's own key for the first page (as for any 1:1 send). */
function pageClientId(key: string, page: number): string {
  return page === 0 ? key : `${key}.${page}`;
}

function isDelayed(row: OutboxRow, now: number): boolean {
  return row.notBefore !== undefined && row.notBefore > now;
}
