import { LAST_ACTIVE_GRANULARITY_MS } from '@parley/protocol';
import type { RelayStore } from '../store/relay-store.js';

/**
 * Records when devices connect, to the day only (docs/decisions/0351): Settings shows "last
 * active today / yesterday / a date", and a finer record would be metadata the relay has no need
 * to keep. Each device is written at most once a day per process: the set of devices seen today
 * is forgotten when the day turns, so it never holds more than a day's devices.
 */
export class LastActive {
  private day = Number.NaN;
  private seenToday = new Set<number>();

  constructor(
    private readonly store: Pick<RelayStore, 'markDeviceActive'>,
    private readonly now: () => number,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** The device (its store row) has just authenticated a socket. */
  connected(rowId: number): void {
    const day = startOfDay(this.now());
    if (day !== this.day) {
      this.day = day;
      this.seenToday = new Set();
    }
    if (this.seenToday.has(rowId)) return;
    this.seenToday.add(rowId);
    this.store.markDeviceActive(rowId, day).catch((error: unknown) => {
      this.seenToday.delete(rowId);
      this.failed(error);
    });
  }
}

export function startOfDay(ms: number): number {
  return ms - (ms % LAST_ACTIVE_GRANULARITY_MS);
}
