import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

interface Job {
  work: () => unknown;
  afterCommit: ((value: unknown) => void) | undefined;
  resolve: ((value: unknown) => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
  /**
   * Jobs that may throw (domain checks after writes) run in a savepoint, so their failure undoes
   * only their own writes. The others must not throw: if one does anyway (an I/O error), the
   * whole batch is rolled back and every job in it fails, so nothing half-written commits.
   */
  isolated: boolean;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A committed transaction whose WAL frames may still be only in the page cache. */
interface CommittedBatch {
  jobs: Job[];
  outcomes: Outcome[];
  started: number;
}

export interface CommitEvents {
  /** A batch is durable: `durationMs` runs from BEGIN to the end of its WAL fsync. */
  committed(durationMs: number, jobs: number): void;
  /** The batch was rolled back or could not be made durable; its waiting jobs were rejected. */
  commitFailed(error: unknown): void;
  /** An afterCommit callback threw; the other jobs were unaffected. */
  hookFailed(error: unknown): void;
  /** The WAL could not be synced: the store refuses all writes from now on. */
  syncFailed(error: unknown): void;
}

/** Most jobs in one transaction; the rest go into the next one right after. */
const MAX_BATCH = 4096;

/**
 * Least time from one group commit to the next. A COMMIT costs about the same for 5 writes as
 * for 500 (it rewrites every WAL page the transaction touched); at moderate load a commit per
 * turn spent a fifth of the relay's time in COMMIT. Two milliseconds bound that at 500 commits
 * a second and add at most as much latency.
 */
const MIN_COMMIT_INTERVAL_MS = 2;

/**
 * Group commit with the fsync off the event loop (docs/decisions/0103-group-commit.md).
 *
 * The writes queued while the WAL is not being synced run in ONE transaction at the end of the
 * turn. The connection runs with synchronous=NORMAL, so COMMIT only appends to the WAL; this
 * class then fdatasyncs the WAL file on libuv's thread pool and resolves a job (and runs its
 * afterCommit) only once a sync that started after its COMMIT has finished. Writes arriving
 * during a sync queue up and commit together when it ends: one COMMIT and one fsync cover
 * everything that arrived meanwhile, and the event loop never blocks on the disk.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private scheduled = false;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly isolate: (work: () => unknown) => unknown;
  private syncing = false;
  private walFd: number | undefined;
  /** Set when a WAL sync failed: every later write is refused with it. */
  private broken: Error | undefined;

  constructor(
    private readonly db: Database,
    private readonly walPath: string,
    private readonly events: CommitEvents,
  ) {
    // Called inside an open transaction, better-sqlite3 runs this in a SAVEPOINT.
    this.isolate = db.transaction((work: () => unknown) => work());
  }

  /** Runs `work` (which may throw) in the next group commit; resolves once durable. */
  run<T>(work: () => T, afterCommit?: (value: T) => void): Promise<T> {
    return this.schedule(work, afterCommit, true);
  }

  /**
   * Like run(), for work that throws only on storage failure: it skips the savepoint (two
   * statements per job on the hottest path, the send).
   */
  runInfallible<T>(work: () => T, afterCommit?: (value: T) => void): Promise<T> {
    return this.schedule(work, afterCommit, false);
  }

  private schedule<T>(
    work: () => T,
    afterCommit: ((value: T) => void) | undefined,
    isolated: boolean,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({
        work,
        afterCommit: afterCommit as ((value: unknown) => void) | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
        isolated,
      });
    });
  }

  /** Queues a write that cannot fail and that nobody waits for (acks). */
  fireAndForget(work: () => void): void {
    this.enqueue({
      work,
      afterCommit: undefined,
      resolve: undefined,
      reject: undefined,
      isolated: false,
    });
  }

  /**
   * Resolves once everything queued before this call is durable (or has failed): a barrier job
   * goes to the back of the queue, and batches are released in commit order.
   */
  flush(): Promise<void> {
    return this.schedule(() => undefined, undefined, false).then(
      () => undefined,
      () => undefined,
    );
  }

  /** After flush(): refuses later writes, fails any still queued, releases the WAL file. */
  close(): void {
    this.closed = true;
    const error = new Error('the store is closed');
    for (const job of this.queue.splice(0)) job.reject?.(error);
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
  }

  private enqueue(job: Job): void {
    if (this.closed || this.broken) {
      job.reject?.(this.broken ?? new Error('the store is closed'));
      return;
    }
    this.queue.push(job);
    this.scheduleCommit();
  }

  /**
   * Commits at the end of this turn, unless a WAL sync is in flight: then the queue waits for
   * it and goes into one transaction when it completes. Every COMMIT rewrites the WAL pages it
   * touched, so committing no more often than syncing keeps small loads from paying a page
   * write per few messages, at no cost in latency (a write committed during a sync would wait
   * for the next sync anyway).
   */
  private scheduleCommit(): void {
    if (this.scheduled || this.syncing || this.queue.length === 0) return;
    this.scheduled = true;
    const wait = this.lastCommitAt + MIN_COMMIT_INTERVAL_MS - performance.now();
    if (wait > 0) setTimeout(this.commitQueued, wait);
    else setImmediate(this.commitQueued);
  }

  private readonly commitQueued = (): void => {
    this.scheduled = false;
    if (this.syncing) return; // the sync's completion commits the queue
    this.lastCommitAt = performance.now();
    const committed: CommittedBatch[] = [];
    while (this.queue.length > 0) {
      const batch = this.commitBatch(this.queue.splice(0, MAX_BATCH));
      if (batch) committed.push(batch);
    }
    if (committed.length > 0) this.syncWal(committed);
  };

  /** One transaction; undefined if it rolled back (its jobs are then rejected). */
  private commitBatch(jobs: Job[]): CommittedBatch | undefined {
    const outcomes: Outcome[] = [];
    const started = performance.now();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const job of jobs) {
        if (!job.isolated) {
          outcomes.push({ ok: true, value: job.work() }); // throws: the batch rolls back
          continue;
        }
        try {
          outcomes.push({ ok: true, value: this.isolate(job.work) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.fail([{ jobs, outcomes, started }], error);
      return undefined;
    }
    return { jobs, outcomes, started };
  }

  /** Syncs the WAL once for `batches`, then releases them and commits what queued meanwhile. */
  private syncWal(batches: CommittedBatch[]): void {
    this.syncing = true;
    let fd: number;
    try {
      fd = this.walFd ??= openSync(this.walPath, 'r+');
    } catch (error) {
      this.syncing = false;
      return this.breakDown(batches, error);
    }
    fdatasync(fd, (error) => {
      this.syncing = false;
      if (error) return this.breakDown(batches, error);
      for (const batch of batches) this.release(batch);
      this.scheduleCommit();
    });
  }

  private release({ jobs, outcomes, started }: CommittedBatch): void {
    this.events.committed(performance.now() - started, jobs.length);
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return job.reject?.(outcome.error);
      try {
        job.afterCommit?.(outcome.value);
      } catch (error) {
        this.events.hookFailed(error);
      }
      job.resolve?.(outcome.value);
    });
  }

  /**
   * The WAL could not be synced: its batches are committed but maybe not on disk, so they are
   * rejected and the committer refuses every later write (a later sync would make them look
   * durable). The relay reports it as fatal; a restart recovers from the WAL.
   */
  private breakDown(batches: CommittedBatch[], error: unknown): void {
    this.broken = error instanceof Error ? error : new Error(String(error));
    this.fail(batches, error);
    this.events.syncFailed(error);
    for (const job of this.queue.splice(0)) job.reject?.(error);
  }

  private fail(batches: CommittedBatch[], error: unknown): void {
    this.events.commitFailed(error);
    for (const batch of batches) for (const job of batch.jobs) job.reject?.(error);
  }
}
