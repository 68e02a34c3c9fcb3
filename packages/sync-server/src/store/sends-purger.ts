/** Idempotency records looked at per step of a purge: a few milliseconds of work. */
export const SENDS_PURGE_CHUNK = 20_000;

/** What a store does for the purger, each step a short transaction of its own. */
export interface PurgeSteps {
  /** The removed devices whose records wait (`purged_devices`). */
  pending(): Promise<number[]>;
  /**
   * Deletes the waiting devices' records among the next SENDS_PURGE_CHUNK after `after` (in
   * insertion order); resolves with the last position looked at, or undefined past the end.
   */
  purgeChunk(after: number): Promise<number | undefined>;
  /** These devices' records are all gone: they wait no more. */
  forget(rowIds: readonly number[]): Promise<void>;
}

/**
 * Deletes the idempotency records of removed devices (decision 0156). `sends` has no index by
 * device (it would cost a page per send), so a purge walks the whole table once, in chunks of
 * rows, for every device waiting; removals only note the device in `purged_devices`, in their
 * own transaction, so a purge cut short by a crash resumes when the store opens again.
 */
export class SendsPurger {
  /** A walk asked for and not started yet: later requests join it. */
  private queued: Promise<void> | undefined;
  /** The walk running now, if any. */
  private running: Promise<void> = Promise.resolve();
  /** The store is closing: walks stop between steps (what was noted waits for the next start). */
  private stopped = false;

  constructor(private readonly steps: PurgeSteps) {}

  /** Resolves after a whole walk that started after this call (so it covers what was noted). */
  purge(): Promise<void> {
    if (this.queued) return this.queued;
    const walk = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.walk();
      });
    this.queued = walk;
    this.running = walk;
    return walk;
  }

  /** Resolves once the walk under way (if any) has stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running.catch(() => undefined);
  }

  private async walk(): Promise<void> {
    if (this.stopped) return;
    const devices = await this.steps.pending();
    if (devices.length === 0) return;
    let after = 0; // insertion order starts at 1 in both dialects
    for (;;) {
      if (this.stopped) return;
      const end = await this.steps.purgeChunk(after);
      if (end === undefined) break;
      after = end;
    }
    await this.steps.forget(devices);
  }
}
