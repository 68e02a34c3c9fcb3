import { PUSH_BUFFER_BUDGET_BYTES } from '@parley/protocol';

/**
 * One relay-wide budget for bytes queued on sockets that are not reading fast enough. Each
 * socket reports its queue (only once it exceeds its stream's high-water mark, i.e. once Node
 * will emit 'drain' for it, so a stale figure is never left behind); while the sum is over the
 * budget no socket gets new pushes, and entries wait in the database instead of in memory.
 */
export class PushBudget {
  private readonly queued = new Map<object, number>();
  private total = 0;
  /** Streams held back by the budget (not by their own socket), resumed once there is room. */
  private waiting = new Set<() => void>();

  constructor(readonly limitBytes = PUSH_BUFFER_BUDGET_BYTES) {}

  /** The queue `owner` holds now (0 once it drained or closed). */
  report(owner: object, bytes: number): void {
    this.total += bytes - (this.queued.get(owner) ?? 0);
    if (bytes > 0) this.queued.set(owner, bytes);
    else this.queued.delete(owner);
    if (!this.exhausted && this.waiting.size > 0) {
      const waiting = this.waiting;
      this.waiting = new Set();
      for (const resume of waiting) resume();
    }
  }

  /** Calls `resume` once the budget has room again. */
  whenRoom(resume: () => void): void {
    this.waiting.add(resume);
  }

  forget(owner: object, resume: () => void): void {
    this.waiting.delete(resume);
    this.report(owner, 0);
  }

  get exhausted(): boolean {
    return this.total >= this.limitBytes;
  }

  get totalBytes(): number {
    return this.total;
  }
}
