import type pg from 'pg';

/** A job's work: its statements, on the batch's connection, inside the batch's transaction. */
export type Work<T> = (tx: pg.PoolClient) => Promise<T>;

interface Job {
  work: Work<unknown>;
  afterCommit: ((value: unknown) => void) | undefined;
  resolve: ((value: unknown) => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
  /**
   * Jobs that may throw (domain checks) run in a SAVEPOINT, so their failure undoes only their
   * own writes. If any other job throws (a storage error), the whole batch rolls back and every
   * job in it fails, so nothing half-written commits.
   */
  isolated: boolean;
  /** The work is one statement: alone in its batch, it commits without BEGIN and COMMIT. */
  oneStatement: boolean;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface PgCommitEvents {
  /** A batch committed: `durationMs` runs from taking a connection to the end of COMMIT. */
  committed(durationMs: number, jobs: number): void;
  /** The batch was rolled back (or its COMMIT failed); its jobs were rejected. */
  commitFailed(error: unknown): void;
  /** An afterCommit callback threw; the other jobs were unaffected. */
  hookFailed(error: unknown): void;
  /** An account's device set changed (after COMMIT): other relay processes forget theirs. */
  deviceSetChanged?(accountId: string): void;
}

/** Most jobs in one transaction; the rest go into the next one right after. */
const MAX_BATCH = 4096;

/**
 * Group commit on PostgreSQL (docs/decisions/0160-postgresql-store.md). Writes queued in one
 * event-loop turn run in ONE transaction on one pooled connection; while it runs, later writes
 * queue and go into the next transaction when it has committed. One write transaction is in
 * flight at a time, so:
 * - COMMIT (the server's WAL flush, synchronous_commit=on) is paid once per batch, and batches
 *   grow by themselves while a commit is in flight;
 * - jobs resolve (and their afterCommit runs) only once COMMIT has returned, in commit order;
 * - identity values (server ids) are handed out in commit order by this process.
 * Reads go to the pool directly: PostgreSQL makes a transaction visible only once its commit
 * record is flushed, so everything a read sees is durable.
 */
export class PgGroupCommitter {
  private queue: Job[] = [];
  private scheduled = false;
  private running = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly events: PgCommitEvents,
  ) {}

  /** Runs `work` (which may throw) in the next group commit; resolves once committed. */
  run<T>(work: Work<T>, afterCommit?: (value: T) => void): Promise<T> {
    return this.schedule(work, afterCommit, true);
  }

  /** Like run(), for work that throws only on storage failure: it skips the savepoint. */
  runInfallible<T>(work: Work<T>, afterCommit?: (value: T) => void): Promise<T> {
    return this.schedule(work, afterCommit, false);
  }

  /**
   * Like runInfallible(), for work that runs exactly one statement. When nothing else is in
   * its batch, that statement is its own transaction (PostgreSQL commits it before answering):
   * one round trip instead of BEGIN, the statement and COMMIT (decision 0163). The acks of a
   * process that only receives are such batches.
   */
  runStatement<T>(work: Work<T>, afterCommit?: (value: T) => void): Promise<T> {
    return this.schedule(work, afterCommit, false, true);
  }

  /** Resolves once everything queued before this call has committed (or failed). */
  flush(): Promise<void> {
    return this.schedule(async () => undefined, undefined, false).then(
      () => undefined,
      () => undefined,
    );
  }

  /** After flush(): refuses later writes and fails any still queued; waits for a running batch. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('the store is closed');
    for (const job of this.queue.splice(0)) job.reject?.(error);
    if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private schedule<T>(
    work: Work<T>,
    afterCommit: ((value: T) => void) | undefined,
    isolated: boolean,
    oneStatement = false,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the store is closed'));
        return;
      }
      this.queue.push({
        work: work as Work<unknown>,
        afterCommit: afterCommit as ((value: unknown) => void) | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
        isolated,
        oneStatement,
      });
      this.scheduleCommit();
    });
  }

  /** Commits at the end of this turn, or when the transaction in flight has committed. */
  private scheduleCommit(): void {
    if (this.scheduled || this.running || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(this.commitQueued);
  }

  private readonly commitQueued = (): void => {
    this.scheduled = false;
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const jobs = this.queue.splice(0, MAX_BATCH);
    void this.commitBatch(jobs).finally(() => {
      this.running = false;
      for (const resolve of this.idle.splice(0)) resolve();
      this.scheduleCommit();
    });
  };

  private async commitBatch(jobs: Job[]): Promise<void> {
    const started = performance.now();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return this.fail(jobs, error);
    }
    if (jobs.length === 1 && jobs[0]!.oneStatement) return this.commitAlone(client, jobs, started);
    const outcomes: Outcome[] = [];
    // Pipelined (pool.ts): the first job's first statements go out right behind BEGIN instead
    // of a round trip later, in the same write. BEGIN fails only with its connection, which
    // fails those too.
    sendTogetherThisTurn(client);
    const begun = client.query('BEGIN');
    begun.catch(() => undefined); // awaited below, before COMMIT
    try {
      for (const job of jobs) {
        if (!job.isolated) {
          outcomes.push({ ok: true, value: await job.work(client) }); // throws: batch rolls back
          continue;
        }
        await client.query('SAVEPOINT job');
        try {
          const value = await job.work(client);
          await client.query('RELEASE SAVEPOINT job');
          outcomes.push({ ok: true, value });
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT job');
          outcomes.push({ ok: false, error });
        }
      }
      await begun;
      await client.query('COMMIT');
    } catch (error) {
      // A failed COMMIT may or may not have committed: the jobs are rejected either way, and
      // their senders retry (sends are idempotent, a lost ack means a redelivery).
      let broken: unknown;
      await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
      client.release(broken instanceof Error ? broken : undefined);
      return this.fail(jobs, error);
    }
    client.release();
    this.release(jobs, outcomes, started);
  }

  /** One single-statement job, in the statement's own transaction. */
  private async commitAlone(client: pg.PoolClient, jobs: Job[], started: number): Promise<void> {
    let value: unknown;
    try {
      value = await jobs[0]!.work(client);
    } catch (error) {
      // Whether it committed is unknown if the connection failed: as for a failed COMMIT.
      client.release(error instanceof Error ? error : undefined);
      return this.fail(jobs, error);
    }
    client.release();
    this.release(jobs, [{ ok: true, value }], started);
  }

  private release(jobs: Job[], outcomes: Outcome[], started: number): void {
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

  private fail(jobs: Job[], error: unknown): void {
    this.events.commitFailed(error);
    for (const job of jobs) job.reject?.(error);
  }
}

/**
 * Holds what is written to the connection until the end of this turn, so the statements
 * issued in it leave in one write: on loopback a write is a system call that also runs the
 * server's side of TCP, a large share of what a relay spends per message (decision 0163).
 */
function sendTogetherThisTurn(client: pg.PoolClient): void {
  const socket = client.connection.stream;
  socket.cork();
  process.nextTick(() => socket.uncork());
}
