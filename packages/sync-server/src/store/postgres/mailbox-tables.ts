import type pg from 'pg';
import {
  expiryOf,
  type DeviceRef,
  type NewEntry,
  type SendInput,
  type SendOutcome,
  type SendResultEncoder,
  type StoredEnvelope,
} from '../records.js';
import type { PgCommitEvents, PgGroupCommitter } from './group-commit.js';
import type { PgQueries, PgQuery } from './pg-queries.js';
import { packBytes } from './packed-bytes.js';
import { envelopeFromRow, type EntryRow } from '../rows.js';
import { SENDS_PURGE_CHUNK, SendsPurger, type PurgeSteps } from '../sends-purger.js';

interface QueuedSend {
  input: SendInput;
  encodeResult: SendResultEncoder;
  afterCommit: (outcome: SendOutcome) => void;
  resolve: (outcome: SendOutcome) => void;
  reject: (error: unknown) => void;
}

interface QueuedAck {
  rowId: number;
  serverIds: readonly number[];
}

/** What one batch of sends wrote: applied to the in-memory counts once it has committed. */
interface WrittenSends {
  sends: QueuedSend[];
  outcomes: SendOutcome[];
  added: Map<number, number>;
  /**
   * Depths of mailboxes counted in the transaction (first use, written by another process, or
   * at the cap): they already reflect earlier jobs of the same batch (an ack's delete), so they
   * replace the cached depth only after COMMIT, before the later jobs' updates.
   */
  seeds: Map<number, number>;
  /** The highest server id of each locked mailbox at COMMIT (see `lastSeen`). */
  last: Map<number, number>;
}

/** Rows looked at per retention job. */
const CHUNK = 1000;

/**
 * Mailboxes and idempotency records on PostgreSQL. Like the SQLite tables, it keeps mailbox
 * depths and the total in memory (the cap costs no query per send) and hides entries whose
 * ack waits for its commit. Unlike them, all sends of one group commit are written by ONE job
 * with one set-based statement (idempotency records and entries; the earlier results of
 * retries take a second one), and all acks of one group commit by one DELETE: a round trip
 * per row would dominate (decision 0163). The in-memory counts change only after COMMIT, so a
 * rollback leaves them right.
 */
export class PgMailboxTables {
  mailboxCap = Number.POSITIVE_INFINITY;
  /**
   * Depths as counted or written here: an upper bound, since other relay processes may have
   * deleted entries since (decision 0162), but never an under-count while `lastSeen` holds.
   */
  private readonly depths = new Map<number, number>();
  /**
   * The highest server id each cached depth accounts for. Another process writes a mailbox only
   * under its lock, with ids above every earlier writer's, so if the mailbox's highest id is
   * still at most this, every entry in it was counted here (decision 0162).
   */
  private readonly lastSeen = new Map<number, number>();
  private total = 0;
  private readonly pendingAcks = new Map<number, Set<number>>();
  private sendQueue: QueuedSend[] = [];
  private ackQueue: QueuedAck[] = [];
  private readonly purger = new SendsPurger(this.purgeSteps());

  constructor(
    private readonly q: PgQueries,
    private readonly pool: pg.Pool,
    private readonly committer: PgGroupCommitter,
    private readonly events: Pick<PgCommitEvents, 'hookFailed'>,
  ) {}

  /** Deletes the idempotency records of removed devices (sends-purger.ts, 0156). */
  purgeSends(): Promise<void> {
    return this.purger.purge();
  }

  /** Before the store closes: a purge under way stops between steps. */
  stopPurging(): Promise<void> {
    return this.purger.stop();
  }

  /**
   * The purger's steps, each a statement on the pool: they need no group commit's ordering (a
   * removed device sends nothing more; a send of its that was already in flight may land behind
   * the walk, and retention takes it then).
   */
  private purgeSteps(): PurgeSteps {
    return {
      pending: async () =>
        (await this.q.purgedDevices.rows<{ row_id: number }>(this.pool, {})).map((r) => r.row_id),
      purgeChunk: async (after) => {
        const chunk = await this.q.sendsChunkEnd.one<{ upTo: number | null }>(this.pool, {
          after,
          limit: SENDS_PURGE_CHUNK,
        });
        const upTo = chunk?.upTo ?? null;
        if (upTo === null) return undefined;
        await this.q.deletePurgedSends.run(this.pool, { after, upTo });
        return upTo;
      },
      forget: async (rowIds) => {
        for (const rowId of rowIds) await this.q.forgetPurgedDevice.run(this.pool, { rowId });
      },
    };
  }

  /** Counts the entries present (once, at startup). */
  async load(): Promise<void> {
    this.total = (await this.q.mailboxTotal.one<{ n: number }>(this.pool, {}))!.n;
  }

  commitSend(
    input: SendInput,
    encodeResult: SendResultEncoder,
    afterCommit: (outcome: SendOutcome) => void,
  ): Promise<SendOutcome> {
    return new Promise((resolve, reject) => {
      this.sendQueue.push({ input, encodeResult, afterCommit, resolve, reject });
      if (this.sendQueue.length > 1) return; // the job queued for the first one takes it too
      const taken: QueuedSend[] = [];
      this.committer
        .runInfallible(
          (tx) => {
            taken.push(...this.sendQueue.splice(0));
            return this.writeSends(tx, taken);
          },
          (written) => this.sendsCommitted(written),
        )
        .catch((error: unknown) => {
          if (taken.length === 0) taken.push(...this.sendQueue.splice(0));
          for (const send of taken) send.reject(error);
        });
    });
  }

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    const rowId = device.rowId;
    const pending = this.pendingAcks.get(rowId) ?? new Set<number>();
    for (const serverId of serverIds) pending.add(serverId);
    this.pendingAcks.set(rowId, pending);
    this.ackQueue.push({ rowId, serverIds });
    if (this.ackQueue.length > 1) return;
    const taken: QueuedAck[] = [];
    this.committer
      .runStatement(
        async (tx) => {
          taken.push(...this.ackQueue.splice(0));
          const rows = await this.q.deleteAcked.rows<{ device_row_id: number }>(tx, {
            rowIds: taken.flatMap((ack) => ack.serverIds.map(() => ack.rowId)),
            serverIds: taken.flatMap((ack) => ack.serverIds),
          });
          return rows.map((row) => row.device_row_id);
        },
        (deletedFrom) => {
          for (const ack of taken) {
            const set = this.pendingAcks.get(ack.rowId);
            if (!set) continue;
            for (const serverId of ack.serverIds) set.delete(serverId);
            if (set.size === 0) this.pendingAcks.delete(ack.rowId);
          }
          this.entriesDeleted(deletedFrom);
        },
      )
      .catch(() => {
        // The batch failed (reported by the committer): the acks are lost, a redelivery
        // follows, so their entries must be readable again.
        if (taken.length === 0) this.ackQueue.splice(0);
        this.pendingAcks.clear();
      });
  }

  /** Entries after `afterServerId` not acked in a commit still to come (all visible are durable). */
  async readMailbox(
    device: DeviceRef,
    afterServerId: number,
    limit: number,
  ): Promise<StoredEnvelope[]> {
    // A copy: an ack whose commit lands while the query runs leaves the live set, yet the
    // query's snapshot may predate that commit and still hold the entry.
    const pending = this.pendingAcks.get(device.rowId);
    const ackedBefore = pending ? new Set(pending) : undefined;
    const rows = await this.q.mailboxPage.rows<EntryRow>(this.pool, {
      rowId: device.rowId,
      after: afterServerId,
      upTo: Number.MAX_SAFE_INTEGER,
      limit: limit + (ackedBefore?.size ?? 0),
      now: Date.now(),
    });
    const ackedNow = this.pendingAcks.get(device.rowId);
    const isAcked = (serverId: number) =>
      (ackedBefore?.has(serverId) ?? false) || (ackedNow?.has(serverId) ?? false);
    return (ackedBefore || ackedNow ? rows.filter((row) => !isAcked(row.server_id)) : rows)
      .slice(0, limit)
      .map((row) => envelopeFromRow(row, device));
  }

  totalMailboxEntries(): number {
    return this.total;
  }

  /**
   * Sweeps the mailbox, then the idempotency records, from their old ends in chunks of CHUNK
   * rows, each its own group-commit job (the same walk as sqlite/retention-sweep.ts: it stops
   * at the first chunk holding a row young by the clock, and steps over rows stamped ahead).
   */
  async pruneExpired(cutoff: number, shouldStop: () => boolean): Promise<number> {
    const entries = await this.sweep(cutoff, shouldStop, this.q.entriesAfter, async (tx, ns) => {
      const rows = await this.q.deleteEntriesById.rows<{ device_row_id: number }>(tx, { ns });
      return rows.map((row) => row.device_row_id);
    });
    await this.sweep(cutoff, shouldStop, this.q.sendsAfter, async (tx, ns) => {
      await this.q.deleteSendsBySeq.run(tx, { ns });
      return undefined;
    });
    return entries;
  }

  /**
   * Deletes the entries whose time to live ran out by `now` (never delivered: reads skip them),
   * CHUNK rows per group-commit job. Resolves with the entries deleted.
   */
  async pruneLapsed(now: number, shouldStop: () => boolean): Promise<number> {
    let deleted = 0;
    let more = true;
    while (more && !shouldStop()) {
      const from = await this.committer.run(
        async (tx) => {
          const rows = await this.q.lapsedEntries.rows<{ n: number }>(tx, { now, limit: CHUNK });
          more = rows.length === CHUNK;
          if (rows.length === 0) return [];
          const gone = await this.q.deleteEntriesById.rows<{ device_row_id: number }>(tx, {
            ns: rows.map((row) => row.n),
          });
          return gone.map((row) => row.device_row_id);
        },
        (from) => this.entriesDeleted(from),
      );
      deleted += from.length;
    }
    return deleted;
  }

  /** A device was inserted (after its commit): its mailbox starts empty. */
  deviceAdded(rowId: number): void {
    this.depths.set(rowId, 0);
    this.lastSeen.set(rowId, 0);
  }

  /** A device was deleted (after its commit) with the `dropped` entries of its mailbox. */
  deviceRemoved(rowId: number, dropped: number): void {
    this.total -= dropped;
    this.depths.delete(rowId);
    this.lastSeen.delete(rowId);
    this.pendingAcks.delete(rowId);
  }

  private async sweep(
    cutoff: number,
    shouldStop: () => boolean,
    rowsAfter: PgQuery<'after' | 'limit'>,
    deleteRows: (tx: pg.PoolClient, ns: number[]) => Promise<number[] | undefined>,
  ): Promise<number> {
    let after = 0;
    let deleted = 0;
    let done = false;
    while (!done && !shouldStop()) {
      const { n } = await this.committer.run(
        async (tx) => {
          const rows = await rowsAfter.rows<{ n: number; at: number }>(tx, { after, limit: CHUNK });
          const now = Date.now();
          done = rows.length < CHUNK || rows.some((r) => r.at >= cutoff && r.at <= now);
          after = rows.at(-1)?.n ?? after;
          const expired = rows.filter((r) => r.at < cutoff).map((r) => r.n);
          if (expired.length === 0) return { n: 0, from: undefined };
          const from = await deleteRows(tx, expired);
          return { n: from?.length ?? 0, from };
        },
        ({ from }) => {
          if (from) this.entriesDeleted(from);
        },
      );
      deleted += n;
    }
    return deleted;
  }

  /** Rows deleted (after their commit) from the mailboxes of these devices, one per row. */
  private entriesDeleted(deviceRowIds: readonly number[]): void {
    this.total -= deviceRowIds.length;
    for (const rowId of deviceRowIds) {
      const depth = this.depths.get(rowId);
      if (depth !== undefined) this.depths.set(rowId, depth - 1);
    }
  }

  private async writeSends(tx: pg.PoolClient, sends: QueuedSend[]): Promise<WrittenSends> {
    const serverTimestamp = Date.now();
    const expiryOfSend = (p: { input: SendInput }) => expiryOf(p.input, serverTimestamp);
    // A retry queued in the same batch as its original is answered from the original.
    const firstOf = new Map<string, number>();
    sends.forEach((send, i) => {
      const key = `${send.input.source.rowId}:${send.input.clientId}`;
      if (!firstOf.has(key)) firstOf.set(key, i);
    });
    const writers = [...firstOf.values()];
    const destinations = writers.flatMap((i) =>
      sends[i]!.input.entries.map((e) => e.destination.rowId),
    );
    // Locked first, so the depths counted below include every other process's commits.
    const previous = await this.lockMailboxes(tx, destinations);
    const seeds = await this.countDepths(tx, this.toCount(destinations, previous));

    // The cap, counting this batch's earlier entries: an overlay applied after COMMIT.
    const added = new Map<number, number>();
    const depth = (rowId: number) =>
      (seeds.get(rowId) ?? this.depths.get(rowId)!) + (added.get(rowId) ?? 0);
    const planned = writers.map((i) => {
      const { input, encodeResult } = sends[i]!;
      const rejected: DeviceRef[] = [];
      const accepted = input.entries.filter((entry) => {
        const full = depth(entry.destination.rowId) >= this.mailboxCap;
        if (full) rejected.push(entry.destination);
        else added.set(entry.destination.rowId, (added.get(entry.destination.rowId) ?? 0) + 1);
        return !full;
      });
      return { index: i, input, accepted, result: encodeResult(serverTimestamp, rejected) };
    });

    const { fresh, ids } = await this.insertSendsAndEntries(tx, planned, serverTimestamp);
    const isFresh = (input: SendInput) => fresh.has(`${input.source.rowId}:${input.clientId}`);

    const earlier = new Map<string, Uint8Array>();
    const retried = planned.filter((p) => !isFresh(p.input));
    if (retried.length > 0) {
      for (const p of retried) {
        // Its entries were counted in the overlay but are not written.
        for (const entry of p.accepted) {
          added.set(entry.destination.rowId, added.get(entry.destination.rowId)! - 1);
        }
      }
      const rows = await this.q.sendResults.rows<{
        source_device_row_id: number;
        client_id: string;
        result: Buffer;
      }>(tx, {
        rowIds: retried.map((p) => p.input.source.rowId),
        clientIds: retried.map((p) => p.input.clientId),
      });
      for (const row of rows)
        earlier.set(`${row.source_device_row_id}:${row.client_id}`, row.result);
    }

    const writing = planned.filter((p) => isFresh(p.input));
    const entries = writing.flatMap((p) => p.accepted.map((entry) => ({ p, entry })));
    const stored = new Map<number, StoredEnvelope[]>();
    entries.forEach(({ p, entry }, k) => {
      const list = stored.get(p.index) ?? [];
      const expiresAt = expiryOfSend(p);
      list.push({
        serverId: ids[k]!,
        destination: entry.destination,
        sourceAccountId: p.input.source.accountId,
        sourceDeviceId: p.input.source.deviceId,
        clientId: p.input.clientId,
        type: entry.type,
        serverTimestamp,
        content: entry.content,
        ...(expiresAt !== null && { expiresAt }),
        previousServerId: previous.get(entry.destination.rowId),
      });
      previous.set(entry.destination.rowId, ids[k]!);
      stored.set(p.index, list);
    });
    const resultOf = new Map(planned.map((p) => [p.index, p]));
    const outcomes = sends.map((send, i): SendOutcome => {
      const key = `${send.input.source.rowId}:${send.input.clientId}`;
      const writer = firstOf.get(key)!;
      const p = resultOf.get(writer)!;
      if (writer === i && isFresh(p.input)) {
        return { result: p.result, stored: stored.get(i) ?? [], duplicate: false };
      }
      return { result: earlier.get(key) ?? p.result, stored: [], duplicate: true };
    });
    return { sends, outcomes, added, seeds, last: previous };
  }

  /**
   * Writes the idempotency records of `planned` and the accepted entries of those that were
   * new, in one statement (pg-queries.ts). Returns the new records' keys and the written
   * entries' server ids in ascending order, i.e. in array order of the fresh sends' entries.
   */
  private async insertSendsAndEntries(
    tx: pg.PoolClient,
    planned: { input: SendInput; accepted: NewEntry[]; result: Uint8Array }[],
    now: number,
  ): Promise<{ fresh: Set<string>; ids: number[] }> {
    const entries = planned.flatMap((p) => p.accepted.map((entry) => ({ p, entry })));
    const results = packBytes(planned.map((p) => p.result));
    const contents = packBytes(entries.map(({ entry }) => entry.content));
    const rows = await this.q.insertSendsAndEntries.rows<{
      source_device_row_id: number | null;
      client_id: string | null;
      server_id: number | null;
    }>(tx, {
      sendRowIds: planned.map((p) => p.input.source.rowId),
      sendClientIds: planned.map((p) => p.input.clientId),
      results: results.bytes,
      resultStarts: results.starts,
      resultLengths: results.lengths,
      now,
      rowIds: entries.map(({ entry }) => entry.destination.rowId),
      sourceRowIds: entries.map(({ p }) => p.input.source.rowId),
      sourceAccountIds: entries.map(({ p }) => p.input.source.accountId),
      sourceDeviceIds: entries.map(({ p }) => p.input.source.deviceId),
      clientIds: entries.map(({ p }) => p.input.clientId),
      types: entries.map(({ entry }) => entry.type),
      contents: contents.bytes,
      contentStarts: contents.starts,
      contentLengths: contents.lengths,
      expiresAts: entries.map(({ p }) => expiryOf(p.input, now)),
    });
    const fresh = new Set<string>();
    const ids: number[] = [];
    for (const row of rows) {
      if (row.server_id === null) fresh.add(`${row.source_device_row_id}:${row.client_id}`);
      else ids.push(row.server_id);
    }
    return { fresh, ids: ids.sort((a, b) => a - b) };
  }

  /**
   * Locks these mailboxes until COMMIT (other relay processes writing to them wait) and
   * returns the highest server id each holds (decision 0161).
   */
  private async lockMailboxes(tx: pg.PoolClient, rowIds: number[]): Promise<Map<number, number>> {
    if (rowIds.length === 0) return new Map();
    const distinct = [...new Set(rowIds)];
    // One round trip (pipelined, pool.ts): PostgreSQL runs the read after the locks are taken,
    // with a snapshot of its own, so it sees every earlier writer's commit.
    const [, rows] = await Promise.all([
      this.q.lockMailboxes.run(tx, { rowIds: distinct }),
      this.q.lastServerIds.rows<{ device_row_id: number; last: number }>(tx, { rowIds: distinct }),
    ]);
    return new Map(rows.map((row) => [row.device_row_id, row.last]));
  }

  /**
   * The mailboxes whose depth must be counted under the lock (decision 0162): never counted
   * here; written by another process since (its highest id is above `lastSeen`); or whose
   * cached depth, an upper bound, would refuse an entry of this batch: a refusal is decided
   * on the true count only.
   */
  private toCount(destinations: number[], last: Map<number, number>): number[] {
    const incoming = new Map<number, number>();
    for (const rowId of destinations) incoming.set(rowId, (incoming.get(rowId) ?? 0) + 1);
    return [...incoming].flatMap(([rowId, n]) => {
      const depth = this.depths.get(rowId);
      const stale = depth === undefined || (last.get(rowId) ?? 0) > this.lastSeen.get(rowId)!;
      return stale || depth + n > this.mailboxCap ? [rowId] : [];
    });
  }

  /** Counts these mailboxes' entries, in one round trip. */
  private async countDepths(tx: pg.PoolClient, rowIds: number[]): Promise<Map<number, number>> {
    if (rowIds.length === 0) return new Map();
    const rows = await this.q.mailboxDepths.rows<{ device_row_id: number; n: number }>(tx, {
      rowIds,
    });
    return new Map(rows.map((row) => [row.device_row_id, row.n]));
  }

  private sendsCommitted({ sends, outcomes, added, seeds, last }: WrittenSends): void {
    for (const [rowId, seed] of seeds) this.depths.set(rowId, seed);
    for (const [rowId, id] of last) if (this.depths.has(rowId)) this.lastSeen.set(rowId, id);
    for (const [rowId, n] of added) {
      this.total += n;
      const depth = this.depths.get(rowId);
      if (depth !== undefined) this.depths.set(rowId, depth + n);
    }
    sends.forEach((send, i) => {
      const outcome = outcomes[i]!;
      try {
        send.afterCommit(outcome);
      } catch (error) {
        this.events.hookFailed(error);
      }
      send.resolve(outcome);
    });
  }
}
