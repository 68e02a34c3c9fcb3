import type { DeviceRef } from './records.js';

/** Accounts whose device sets stay in memory; beyond it the least recently loaded are dropped. */
const LIMIT = 100_000;

/**
 * Device sets per account, read on every send for the device-set check. Invalidated by the
 * store when a device is added or removed. (With several relay nodes, invalidations will have to
 * travel between nodes; that comes with the PostgreSQL issue.)
 */
export class DeviceSetCache {
  private readonly sets = new Map<string, ReadonlyMap<number, DeviceRef>>();

  get(
    accountId: string,
    load: () => ReadonlyMap<number, DeviceRef> | undefined,
  ): ReadonlyMap<number, DeviceRef> | undefined {
    const cached = this.sets.get(accountId);
    if (cached) return cached;
    const loaded = load();
    if (loaded) {
      if (this.sets.size >= LIMIT) {
        const oldest = this.sets.keys().next().value;
        if (oldest !== undefined) this.sets.delete(oldest);
      }
      this.sets.set(accountId, loaded);
    }
    return loaded;
  }

  invalidate(accountId: string): void {
    this.sets.delete(accountId);
  }
}
