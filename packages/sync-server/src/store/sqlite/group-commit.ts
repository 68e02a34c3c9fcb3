import type { Database } from 'better-sqlite3';

interface Job {
  work: () => unknown;
  afterCommit: ((value: unknown) => void) | undefined;
  resolve: ((value: unknown) => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
  /** Jobs that may throw run in a savepoint, so their failure undoes only their own writes. */
  isolated: boolean;
}

export interface CommitEvents {
  committed(durationMs: number, jobs: number): void;
  /** The whole batch was rolled back (e.g. disk full); every waiting job was rejected. */
  commitFailed(error: unknown): void;
  /** An afterCommit callback threw; the other jobs were unaffected. */
  hookFailed(error: unknown): void;
}

/** Most jobs in one transaction; the rest go into the next one right after. */
const MAX_BATCH = 4096;

/**
 * Group commit: every write of one event-loop turn runs in ONE transaction, and its promise
 * resolves only after COMMIT returned (synchronous=FULL: the WAL is fsynced). While a commit
 * blocks, new frames queue up in the kernel, so batches grow exactly when load does.
 */
export class GroupCommitter {
  private queue: Job[] = [];
  private scheduled = false;
  private readonly isolate: (work: () => unknown) => unknown;

  constructor(
    private readonly db: Database,
    private readonly events: CommitEvents,
  ) {
    // Called inside an open transaction, better-sqlite3 runs this in a SAVEPOINT.
    this.isolate = db.transaction((work: () => unknown) => work());
  }

  /** Runs `work` in the next group commit; resolves with its value once committed. */
  run<T>(work: () => T, afterCommit?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue({
        work,
        afterCommit: afterCommit as ((value: unknown) => void) | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
        isolated: true,
      });
    });
  }

  /** Queues a write that cannot fail and that nobody waits for (acks, pruning). */
  fireAndForget(work: () => void): void {
    this.enqueue({
      work,
      afterCommit: undefined,
      resolve: undefined,
      reject: undefined,
      isolated: false,
    });
  }

  /** Commits everything queued, now. */
  flushNow(): void {
    while (this.queue.length > 0) this.commitBatch();
  }

  get pending(): number {
    return this.queue.length;
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    this.commitBatch();
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private commitBatch(): void {
    const jobs = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
    this.queue = this.queue.length <= MAX_BATCH ? [] : this.queue.slice(MAX_BATCH);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const started = performance.now();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const job of jobs) {
        try {
          outcomes.push({ ok: true, value: job.isolated ? this.isolate(job.work) : job.work() });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.events.commitFailed(error);
      for (const job of jobs) job.reject?.(error);
      return;
    }
    this.events.committed(performance.now() - started, jobs.length);
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) {
        try {
          job.afterCommit?.(outcome.value);
        } catch (error) {
          this.events.hookFailed(error);
        }
        job.resolve?.(outcome.value);
      } else {
        job.reject?.(outcome.error);
      }
    });
  }
}
