import type { Clock } from './clock.js';
import type { ExpiryRow } from './expiry-store.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms on the way. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The expiry times known on this device, with ONE timer armed for the earliest: when it fires,
 * everything due by then is handed to `due` in one batch.
 */
export class ExpirySchedule {
  private readonly pending = new Map<string, ExpiryRow>();
  private timer: { handle: unknown; at: number } | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly due: (rows: ExpiryRow[]) => void,
  ) {}

  has(messageId: string): boolean {
    return this.pending.has(messageId);
  }

  add(rows: readonly ExpiryRow[]): void {
    for (const row of rows) this.pending.set(row.messageId, row);
    this.arm();
  }

  /** Removes and returns what is due now (without waiting for the timer). */
  takeDue(): ExpiryRow[] {
    const now = this.clock.now();
    const due = [...this.pending.values()].filter((row) => row.expiresAt <= now);
    for (const row of due) this.pending.delete(row.messageId);
    return due;
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.closed) return;
    let earliest = Infinity;
    for (const row of this.pending.values()) earliest = Math.min(earliest, row.expiresAt);
    if (this.timer && this.timer.at <= earliest) return;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
    if (earliest === Infinity) return;
    const delay = Math.min(Math.max(0, earliest - this.clock.now()), MAX_TIMER_DELAY_MS);
    const handle = this.clock.setTimeout(() => this.fire(), delay);
    this.timer = { handle, at: earliest };
  }

  private fire(): void {
    this.timer = undefined;
    const due = this.takeDue();
    if (due.length > 0) this.due(due);
    this.arm();
  }
}
