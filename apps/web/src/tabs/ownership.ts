/**
 * This tab's place in the queue for the device's owner lock (Web Locks API: the browser grants
 * it to one tab at a time, and frees it the moment that tab closes, crashes or navigates away,
 * also while it is merely hidden it stays held). `won` resolves when this tab owns the device;
 * `release` gives it up (a failed start, or sign-out).
 */
export interface Ownership {
  won: Promise<void>;
  release(): void;
}

export function requestOwnership(lock: string): Ownership {
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let granted = () => undefined as void;
  const won = new Promise<void>((resolve) => (granted = resolve));
  void navigator.locks.request(lock, () => {
    granted();
    return held;
  });
  return { won, release };
}

/**
 * Holds `lock` until this tab is gone: whoever waits on it learns that the tab went away.
 * Resolves once the lock is held, so no one can ask for it first and take it for a sign that
 * this tab is gone (the request and a BroadcastChannel message take separate paths).
 */
export function holdForLife(lock: string): Promise<void> {
  return new Promise((held) => {
    void navigator.locks.request(lock, () => {
      held();
      return new Promise<never>(() => undefined);
    });
  });
}
