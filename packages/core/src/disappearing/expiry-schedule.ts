import type { Clock } from './clock.js';
import type { ExpiryRow, ExpiryStore } from './expiry-store.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms on the way. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** How many of the next times due the schedule reads and holds at a time (twice that at most). */
export const EXPIRY_WINDOW = 256;

/**
 * The next expiry times due on this device, with ONE timer armed for the earliest: when it fires,
 * everything due by then is handed to `due` in one batch. Only a window of them is held: the
 * store's earliest (its `expiresAt` index), read again when the held ones are done, so memory
 * does not grow with the number of timed messages (docs/decisions/0821). Times are stored before
 * they are added here; those past the window stay in the store until their turn.
 */
export class ExpirySchedule {
  private readonly pending = new Map<string, ExpiryRow>();
  /** Handed to `due` (or taken) and not done yet: still stored, never read back meanwhile. */
  private readonly handedOut = new Set<string>();
  /** Every stored time before this one is held (Infinity: every stored time is). */
  private horizon = Infinity;
  private timer: { handle: unknown; at: number } | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly store: Pick<ExpiryStore, 'earliest'>,
    private readonly due: (rows: ExpiryRow[]) => void,
    private readonly window = EXPIRY_WINDOW,
  ) {}

  /** Whether the message's time is held here. */
  has(messageId: string): boolean {
    return this.pending.has(messageId) || this.handedOut.has(messageId);
  }

  /** How many times are held (tests: it stays within twice the window). */
  get held(): number {
    return this.pending.size;
  }

  /** Reads the store's earliest times (at start, and when the held ones are done). */
  async read(): Promise<void> {
    const limit = this.window + this.handedOut.size;
    const rows = await this.store.earliest(limit);
    for (const row of rows)
      if (!this.handedOut.has(row.messageId)) this.pending.set(row.messageId, row);
    this.horizon = rows.length < limit ? Infinity : rows.at(-1)!.expiresAt;
    this.trim();
    this.arm();
  }

  /** Times just stored: held when they come before the horizon, else read in their turn. */
  add(rows: readonly ExpiryRow[]): void {
    for (const row of rows) if (row.expiresAt < this.horizon) this.pending.set(row.messageId, row);
    this.trim();
    this.arm();
  }

  /** Removes and returns what is due now (without waiting for the timer); `done` follows. */
  takeDue(): ExpiryRow[] {
    const now = this.clock.now();
    const due = [...this.pending.values()].filter((row) => row.expiresAt <= now);
    for (const row of due) {
      this.pending.delete(row.messageId);
      this.handedOut.add(row.messageId);
    }
    return due;
  }

  /** Whether a held time is due now. */
  hasDue(): boolean {
    const now = this.clock.now();
    for (const row of this.pending.values()) if (row.expiresAt <= now) return true;
    return false;
  }

  /**
   * The expiries handed out are done and their times deleted from the store: once every held
   * time is done, the next ones are read.
   */
  async done(messageIds: readonly string[]): Promise<void> {
    for (const id of messageIds) this.handedOut.delete(id);
    if (this.pending.size === 0 && this.horizon !== Infinity && !this.closed) await this.read();
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  /** Past twice the window, the latest times go back to being read in their turn. */
  private trim(): void {
    if (this.pending.size <= 2 * this.window) return;
    const ordered = [...this.pending.values()].sort((a, b) => a.expiresAt - b.expiresAt);
    for (const row of ordered.slice(this.window)) this.pending.delete(row.messageId);
    this.horizon = Math.min(this.horizon, ordered[this.window]!.expiresAt);
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
