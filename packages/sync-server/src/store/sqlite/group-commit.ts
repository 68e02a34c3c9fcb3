import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Database } from 'better-sqlite3';

/**
 * One write of the group commit and what follows it. The send path hands the committer one such
 * object per message and is called back on it: no promise, no closures per send (0155).
 */
export interface CommitJob<T = unknown> {
  /**
   * Jobs that may throw (domain checks after writes) run in a savepoint, so their failure undoes
   * only their own writes. The others must not throw: if one does anyway (an I/O error), the
   * whole batch is rolled back and every job in it fails, so nothing half-written commits.
   */
  readonly isolated: boolean;
  /** Runs inside the batch's transaction; its value goes to durable(). */
  work(): T;
  /** Its transaction is durable (the WAL fsynced); called in commit order. */
  durable(value: T): void;
  /** It threw in its savepoint, its batch rolled back, or the WAL could not be synced. */
  failed(error: unknown): void;
}

/** An isolated job's error, in place of its value among a batch's outcomes. */
class JobFailure {
  constructor(readonly error: unknown) {}
}

/** A committed transaction whose WAL frames may still be only in the page cache. */
interface CommittedBatch {
  jobs: CommitJob[];
  /** Per job: its work's value, or a JobFailure. */
  outcomes: unknown[];
  started: number;
}

/** The promise-returning run(): resolves after afterCommit ran (even if it threw). */
class PromiseJob<T> implements CommitJob<T> {
  constructor(
    readonly isolated: boolean,
    readonly work: () => T,
    private readonly afterCommit: ((value: T) => void) | undefined,
    private readonly resolve: (value: T) => void,
    readonly failed: (error: unknown) => void,
  ) {}

  durable(value: T): void {
    try {
      this.afterCommit?.(value);
    } finally {
      this.resolve(value);
    }
  }
}

export interface CommitEvents {
  /** A batch is durable: `durationMs` runs from BEGIN to the end of its WAL fsync. */
  committed(durationMs: number, jobs: number): void;
  /** The batch was rolled back or could not be made durable; its waiting jobs were rejected. */
  commitFailed(error: unknown): void;
  /** A job's callback (durable, failed, afterCommit) threw; the other jobs were unaffected. */
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
 * class then fdatasyncs the WAL file on libuv's thread pool and calls a job back as durable
 * only once a sync that started after its COMMIT has finished. Writes arriving
 * during a sync queue up and commit together when it ends: one COMMIT and one fsync cover
 * everything that arrived meanwhile, and the event loop never blocks on the disk.
 */
export class GroupCommitter {
  private queue: CommitJob[] = [];
  private scheduled = false;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly isolate: (job: CommitJob) => unknown;
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
    this.isolate = db.transaction((job: CommitJob) => job.work());
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
      this.submit(new PromiseJob(isolated, work, afterCommit, resolve, reject));
    });
  }

  /** Queues `job` for the next group commit; it is called back once durable or failed. */
  submit(job: CommitJob): void {
    if (this.closed || this.broken) {
      return this.failJob(job, this.broken ?? new Error('the store is closed'));
    }
    this.queue.push(job);
    this.scheduleCommit();
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
    for (const job of this.queue.splice(0)) this.failJob(job, error);
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
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

  /** One transaction; undefined if it rolled back (its jobs are then failed). */
  private commitBatch(jobs: CommitJob[]): CommittedBatch | undefined {
    const outcomes: unknown[] = [];
    const started = performance.now();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const job of jobs) {
        if (!job.isolated) {
          outcomes.push(job.work()); // throws: the batch rolls back
          continue;
        }
        try {
          outcomes.push(this.isolate(job));
        } catch (error) {
          outcomes.push(new JobFailure(error));
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
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      const outcome = outcomes[i];
      if (outcome instanceof JobFailure) {
        this.failJob(job, outcome.error);
        continue;
      }
      try {
        job.durable(outcome);
      } catch (error) {
        this.events.hookFailed(error);
      }
    }
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
    for (const job of this.queue.splice(0)) this.failJob(job, error);
  }

  private fail(batches: CommittedBatch[], error: unknown): void {
    this.events.commitFailed(error);
    for (const batch of batches) for (const job of batch.jobs) this.failJob(job, error);
  }

  /** A job's failure callback throwing must not keep the others from theirs. */
  private failJob(job: CommitJob, error: unknown): void {
    try {
      job.failed(error);
    } catch (hookError) {
      this.events.hookFailed(hookError);
    }
  }
}
