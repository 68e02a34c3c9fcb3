import type { Clock } from '../../src/disappearing/clock.js';

/**
 * A clock that tests move forward: now() is the real time plus what advance() added, and a timer
 * fires only when advance() reaches it (a timer already due fires on the next turn). Messages
 * are stamped with real time, so expiry times compare with now() as in production.
 */
export class ManualClock implements Clock {
  private offset = 0;
  private readonly timers = new Map<number, { at: number; run: () => void }>();
  private nextId = 1;

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    if (ms <= 0) {
      setTimeout(run, 0);
      return id;
    }
    this.timers.set(id, { at: this.now() + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward by `ms` and runs the timers that fell due, earliest first. */
  advance(ms: number): void {
    this.offset += ms;
    const due = [...this.timers.entries()]
      .filter(([, timer]) => timer.at <= this.now())
      .sort(([, a], [, b]) => a.at - b.at);
    for (const [id, timer] of due) {
      this.timers.delete(id);
      timer.run();
    }
  }
}
