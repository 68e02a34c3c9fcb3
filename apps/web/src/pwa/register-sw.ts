/**
 * Registers the service worker in production builds. Failure is not fatal: the app works online
 * without it, it only loses the offline shell, so we log and go on.
 */
export function registerServiceWorker(): void {
  // The desktop app ships its files in the package: no offline shell to cache.
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || window.parleyDesktop) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
      console.warn(
        'Parley: service worker registration failed; offline start is unavailable.',
        error,
      );
    });
  });
}
