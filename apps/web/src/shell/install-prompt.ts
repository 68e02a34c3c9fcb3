/**
 * Keeps the browser's `beforeinstallprompt` event so the app can offer "Install Parley" at a time
 * of its choosing. The event may fire before React mounts, so listening starts at module load.
 */

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let deferred: BeforeInstallPromptEvent | null = null;
const listeners = new Set<() => void>();

function publish(event: BeforeInstallPromptEvent | null): void {
  deferred = event;
  for (const listener of [...listeners]) listener();
}

if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    publish(event as BeforeInstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => publish(null));
}

export const installPrompt = {
  subscribe(onChange: () => void): () => void {
    listeners.add(onChange);
    return () => listeners.delete(onChange);
  },
  /** Whether the browser offered installation and it has not been used yet. */
  available(): boolean {
    return deferred !== null;
  },
  async install(): Promise<void> {
    const event = deferred;
    if (!event) return;
    await event.prompt();
    await event.userChoice;
    // The browser lets an event prompt only once.
    publish(null);
  },
};
