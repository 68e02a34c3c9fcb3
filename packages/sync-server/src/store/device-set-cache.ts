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
  /** Bumped by every invalidation: an asynchronous load that began before one is not cached. */
  private version = 0;

  get(
    accountId: string,
    load: () => ReadonlyMap<number, DeviceRef> | undefined,
  ): ReadonlyMap<number, DeviceRef> | undefined {
    const cached = this.sets.get(accountId);
    if (cached) return cached;
    const loaded = load();
    if (loaded) this.put(accountId, loaded);
    return loaded;
  }

  /** For stores whose loads are asynchronous: the cached set, if any. */
  peek(accountId: string): ReadonlyMap<number, DeviceRef> | undefined {
    return this.sets.get(accountId);
  }

  /** A token to hand to putIfCurrent() with a set loaded after taking it. */
  get currentVersion(): number {
    return this.version;
  }

  /** Caches a set loaded asynchronously, unless an invalidation happened since `version`. */
  putIfCurrent(accountId: string, set: ReadonlyMap<number, DeviceRef>, version: number): void {
    if (version === this.version) this.put(accountId, set);
  }

  invalidate(accountId: string): void {
    this.version++;
    this.sets.delete(accountId);
  }

  private put(accountId: string, set: ReadonlyMap<number, DeviceRef>): void {
    if (this.sets.size >= LIMIT) {
      const oldest = this.sets.keys().next().value;
      if (oldest !== undefined) this.sets.delete(oldest);
    }
    this.sets.set(accountId, set);
  }
}
