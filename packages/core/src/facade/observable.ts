import type { Observable } from './api.js';

/**
 * A lazily computed snapshot: getSnapshot() returns the same object until invalidate() is called,
 * as React's useSyncExternalStore requires. Invalidations are coalesced into one notification
 * per microtask, so a burst of 10,000 applied messages wakes subscribers once, not 10,000 times.
 */
export class Snapshot<T> implements Observable<T> {
  private readonly listeners = new Set<() => void>();
  private value: T | undefined;
  private stale = true;
  private notifyScheduled = false;

  constructor(private readonly compute: () => T) {}

  subscribe(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  getSnapshot(): T {
    if (this.stale) {
      this.value = this.compute();
      this.stale = false;
    }
    return this.value as T;
  }

  invalidate(): void {
    this.stale = true;
    if (this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
