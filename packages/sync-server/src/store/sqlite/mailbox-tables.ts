import {
  expiryOf,
  type DeviceRef,
  type NewEntry,
  type SendInput,
  type SendCallback,
  type SendOutcome,
  type SendResultEncoder,
  type StoredEnvelope,
} from '../records.js';
import type { CommitJob, GroupCommitter } from './group-commit.js';
import { AckQueue } from './ack-queue.js';
import { asBuffer, type PreparedQueries } from './prepared.js';
import { sweepOldRows } from './retention-sweep.js';
import { SENDS_PURGE_CHUNK, SendsPurger, type PurgeSteps } from '../sends-purger.js';
import { envelopeFromRow, type EntryRow } from '../rows.js';

/** Lapsed entries deleted per job of the expiry sweep. */
const LAPSED_CHUNK = 1000;

/**
 * The mailboxes and the idempotency records of sends: stores sends (up to the mailbox cap),
 * deletes acked entries, reads what is durable, and sweeps old rows. Keeps the depth of each
 * mailbox in memory, so the cap costs no query per send.
 */
export class MailboxTables {
  /** Set by the relay from its configuration (the store only enforces it). */
  mailboxCap = Number.POSITIVE_INFINITY;
  /** Entries per device mailbox, counted once from the table and then kept current. */
  private readonly depths = new Map<number, number>();
  private total: number;
  /**
   * The highest server id whose send is durable (its WAL fsynced). Reads of mailboxes stop
   * here: a committed entry whose sync is still running must not be pushed, or a power loss
   * could take back an entry a device already has while its sender, never acknowledged,
   * sends it again.
   */
  private durableServerId: number;
  /** Acks waiting for the next group commit, which deletes them all in one job (0165). */
  private readonly acks = new AckQueue();
  /** The AckJob queued and not run yet: it takes every ack queued until it runs. */
  private queuedAckJob: AckJob | undefined;
  private readonly purger = new SendsPurger(this.purgeSteps());

  /** Constructed once the WAL left at startup is synced: every entry present is durable. */
  constructor(
    private readonly q: PreparedQueries,
    private readonly committer: GroupCommitter,
  ) {
    this.total = this.countAll();
    this.durableServerId = this.q.highestServerId.get<{ n: number | null }>({})!.n ?? 0;
  }

  commitSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
  ): Promise<SendOutcome> {
    return new Promise((resolve, reject) => {
      this.enqueueSend(input, encodeResult, afterCommit, (error, outcome) =>
        outcome ? resolve(outcome) : reject(error),
      );
    });
  }

  /** commitSend() without a promise: one job object per send, `done` called once (0155). */
  enqueueSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
    done: SendCallback,
  ): void {
    this.committer.submit(new SendJob(this, input, encodeResult, afterCommit, done));
  }

  /** A send's batch is durable: batches become durable in commit order, so its last id is the new high mark. */
  sendDurable(outcome: SendOutcome): void {
    const stored = outcome.stored;
    if (stored.length > 0) {
      this.durableServerId = Math.max(this.durableServerId, stored[stored.length - 1]!.serverId);
    }
  }

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    if (serverIds.length === 0) return;
    this.acks.add(device.rowId, serverIds);
    if (this.queuedAckJob) return;
    const job = new AckJob(this);
    this.queuedAckJob = job; // before submit(): a closed store fails the job at once
    this.committer.submit(job);
  }

  /**
   * Inside the group commit (AckJob): deletes the entry of every queued ack (only if it is
   * that device's). If the batch rolls back, those acks are lost and their entries readable
   * again: the device gets them once more (a redelivery, never a loss).
   */
  deleteAcked(): void {
    this.queuedAckJob = undefined;
    const { rowIds, serverIds } = this.acks.take();
    for (let i = 0; i < serverIds.length; i++) {
      const rowId = rowIds[i]!;
      if (this.q.deleteEntry.run({ rowId, serverId: serverIds[i] }) === 0) continue;
      this.total--;
      const depth = this.depths.get(rowId);
      if (depth !== undefined) this.depths.set(rowId, depth - 1);
    }
  }

  /**
   * An AckJob's batch rolled back, or the store refused it. If it is the queued one, it never
   * ran (an earlier job of its batch threw): the queued acks were its own and are lost with it
   * (read again, as if taken), and a later ack queues a new job. If it ran, its acks were taken.
   */
  ackJobFailed(job: AckJob): void {
    if (job !== this.queuedAckJob) return;
    this.queuedAckJob = undefined;
    this.acks.take();
  }

  /** Durable entries after `afterServerId`, without those acked in a commit still to come. */
  readMailbox(device: DeviceRef, afterServerId: number, limit: number): StoredEnvelope[] {
    const acked = this.acks.queuedFor(device.rowId);
    const rows = this.q.mailboxPage.all<EntryRow>({
      rowId: device.rowId,
      after: afterServerId,
      upTo: this.durableServerId,
      limit: limit + (acked?.size ?? 0),
      now: Date.now(),
    });
    return (acked ? rows.filter((row) => !acked.has(row.server_id)).slice(0, limit) : rows).map(
      (row) => envelopeFromRow(row, device),
    );
  }

  totalMailboxEntries(): number {
    return this.total;
  }

  /**
   * Sweeps the mailbox, then the idempotency records, from their old ends in short jobs
   * (retention-sweep.ts). Resolves with the entries deleted.
   */
  async pruneExpired(cutoff: number, shouldStop: () => boolean): Promise<number> {
    const entries = await sweepOldRows(
      this.committer,
      this.q.entriesAfter,
      this.q.deleteEntryById,
      {
        cutoff,
        shouldStop,
        onDeleted: (n) => {
          this.depths.clear(); // recounted per device when next needed
          this.total -= n;
        },
      },
    );
    await sweepOldRows(this.committer, this.q.sendsAfter, this.q.deleteSendByOrder, {
      cutoff,
      shouldStop,
    });
    return entries;
  }

  /** Deletes the idempotency records of removed devices (sends-purger.ts, 0156). */
  purgeSends(): Promise<void> {
    return this.purger.purge();
  }

  /** Before the store closes: a purge under way stops between steps. */
  stopPurging(): Promise<void> {
    return this.purger.stop();
  }

  /**
   * Deletes the entries whose time to live ran out by `now` (never delivered: reads skip them),
   * in jobs of LAPSED_CHUNK rows. Resolves with the entries deleted.
   */
  async pruneLapsed(now: number, shouldStop: () => boolean): Promise<number> {
    let deleted = 0;
    let more = true;
    while (more && !shouldStop()) {
      deleted += await this.committer.run(() => {
        const rows = this.q.lapsedEntries.all<{ n: number; device_row_id: number }>({
          now,
          limit: LAPSED_CHUNK,
        });
        more = rows.length === LAPSED_CHUNK;
        let n = 0;
        for (const row of rows) {
          if (this.q.deleteEntryById.run({ n: row.n }) === 0) continue;
          n++;
          const depth = this.depths.get(row.device_row_id);
          if (depth !== undefined) this.depths.set(row.device_row_id, depth - 1);
        }
        this.total -= n;
        return n;
      });
    }
    return deleted;
  }

  /**
   * A batch rolled back: in-memory counts may include it (recount lazily). Acks it deleted are
   * lost (taken from the queue, so no longer filtered: their entries are read again); acks
   * queued since wait for their own job.
   */
  recount(): void {
    this.depths.clear();
    this.total = this.countAll();
  }

  /** The purger's steps on this connection: each a job of the group commit. */
  private purgeSteps(): PurgeSteps {
    return {
      pending: async () => this.q.purgedDevices.all<{ row_id: number }>({}).map((r) => r.row_id),
      purgeChunk: (after) =>
        this.committer.runInfallible(() => {
          const { upTo } = this.q.sendsChunkEnd.get<{ upTo: number | null }>({
            after,
            limit: SENDS_PURGE_CHUNK,
          })!;
          if (upTo === null) return undefined;
          this.q.deletePurgedSends.run({ after, upTo });
          return upTo;
        }),
      forget: (rowIds) =>
        this.committer.runInfallible(() => {
          for (const rowId of rowIds) this.q.forgetPurgedDevice.run({ rowId });
        }),
    };
  }

  /** A device was inserted (within a job): its mailbox starts empty. */
  deviceAdded(rowId: number): void {
    this.depths.set(rowId, 0);
  }

  /** A device was deleted (within a job) with the `dropped` entries of its mailbox. */
  deviceRemoved(rowId: number, dropped: number): void {
    this.total -= dropped;
    this.depths.delete(rowId);
  }

  /** Inside the group commit (SendJob); throws only on storage failure. Runs once per message. */
  writeSend(input: SendInput, encodeResult: SendResultEncoder): SendOutcome {
    const { source, clientId, entries } = input;
    const serverTimestamp = Date.now();
    const expiresAt = expiryOf(input, serverTimestamp);
    const rejected = this.fullMailboxes(entries);
    const result = encodeResult(serverTimestamp, rejected);
    const fresh = this.q.insertSend.run({
      rowId: source.rowId,
      clientId,
      now: serverTimestamp,
      result: asBuffer(result),
    });
    if (fresh === 0) {
      const earlier = this.q.sendResult.get<{ result: Buffer }>({ rowId: source.rowId, clientId });
      return { result: earlier!.result, stored: [], duplicate: true };
    }
    // Sized to fit: a push onto [] reserves sixteen slots. (Destinations are distinct.)
    const stored = new Array<StoredEnvelope>(entries.length - rejected.length);
    let count = 0;
    for (const entry of entries) {
      const rowId = entry.destination.rowId;
      if (rejected.length > 0 && rejected.includes(entry.destination)) continue;
      const serverId = this.q.insertEntry.insert({
        rowId,
        sourceAccountId: source.accountId,
        sourceDeviceId: source.deviceId,
        clientId,
        type: entry.type,
        serverTimestamp,
        content: asBuffer(entry.content),
        expiresAt,
      });
      this.depths.set(rowId, this.depth(rowId) + 1);
      stored[count++] = storedEnvelope(
        serverId,
        entry,
        source,
        clientId,
        serverTimestamp,
        expiresAt,
      );
    }
    this.total += stored.length;
    return { result, stored, duplicate: false };
  }

  /** The destinations whose mailbox is at the cap (usually none: no array then). */
  private fullMailboxes(entries: readonly NewEntry[]): DeviceRef[] {
    let rejected: DeviceRef[] | undefined;
    for (const entry of entries) {
      if (this.depth(entry.destination.rowId) >= this.mailboxCap) {
        (rejected ??= []).push(entry.destination);
      }
    }
    return rejected ?? noDevices;
  }

  private depth(rowId: number): number {
    let depth = this.depths.get(rowId);
    if (depth === undefined) {
      depth = this.q.mailboxDepth.get<{ n: number }>({ rowId })!.n;
      this.depths.set(rowId, depth);
    }
    return depth;
  }

  private countAll(): number {
    return this.q.mailboxTotal.get<{ n: number }>({})!.n;
  }
}

/**
 * One send in the group commit: writeSend() needs no savepoint (it throws only on storage
 * failure, validation happened before). Once durable it raises the read mark, hands the
 * entries on (afterCommit: delivery) and answers (`done`), in commit order.
 */
/** The usual answer of fullMailboxes(); frozen, as every send shares it. */
const noDevices = Object.freeze([]) as unknown as DeviceRef[];

/** One object literal shape for every stored envelope (no spread: the hot path's garbage). */
function storedEnvelope(
  serverId: number,
  entry: NewEntry,
  source: DeviceRef,
  clientId: string,
  serverTimestamp: number,
  expiresAt: number | null,
): StoredEnvelope {
  const envelope: StoredEnvelope = {
    serverId,
    destination: entry.destination,
    sourceAccountId: source.accountId,
    sourceDeviceId: source.deviceId,
    clientId,
    type: entry.type,
    serverTimestamp,
    content: entry.content,
  };
  if (expiresAt !== null) envelope.expiresAt = expiresAt;
  return envelope;
}

/** Deletes the acks queued by the time it runs (one job per commit); nobody waits for it. */
class AckJob implements CommitJob<void> {
  readonly isolated = false;

  constructor(private readonly tables: MailboxTables) {}

  work(): void {
    this.tables.deleteAcked();
  }

  durable(): void {}

  failed(): void {
    this.tables.ackJobFailed(this);
  }
}

class SendJob implements CommitJob<SendOutcome> {
  readonly isolated = false;

  constructor(
    private readonly tables: MailboxTables,
    private readonly input: SendInput,
    private readonly encodeResult: SendResultEncoder,
    private readonly afterCommit: (outcome: SendOutcome) => void,
    private readonly done: SendCallback,
  ) {}

  work(): SendOutcome {
    return this.tables.writeSend(this.input, this.encodeResult);
  }

  durable(outcome: SendOutcome): void {
    this.tables.sendDurable(outcome);
    try {
      this.afterCommit(outcome);
    } finally {
      this.done(null, outcome); // answered even if delivery threw (the committer reports it)
    }
  }

  failed(error: unknown): void {
    this.done(error);
  }
}
