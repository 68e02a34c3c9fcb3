import { desktopBridge } from '../desktop/desktop-bridge.js';
import { DATABASE_NAME } from './database-name.js';
import type { Messenger } from './types.js';

/**
 * Creates the messenger the app runs on. Production builds always use the real core with the
 * browser Signal engine; the in-memory development fake exists only in builds made with
 * VITE_PARLEY_DEV_FAKE=1 (UI development and the rendering benchmark), and the bundler drops it
 * from every other build because the condition is a compile-time constant. Inside Parley Desktop
 * (its preload set window.parleyDesktop) core runs in the desktop backend instead. In a browser,
 * one tab opens the real core and the device's other tabs use it (src/tabs).
 */
export async function createAppMessenger(): Promise<Messenger> {
  if (import.meta.env.VITE_PARLEY_DEV_FAKE === '1') {
    const { createDevFakeMessenger } = await import('../dev-fake/dev-fake-messenger.js');
    return createDevFakeMessenger(new URLSearchParams(location.search));
  }
  const bridge = desktopBridge();
  if (bridge) {
    const { createDesktopMessenger } = await import('../desktop/create-desktop-messenger.js');
    return createDesktopMessenger(bridge);
  }
  const [{ createRealMessenger }, { createTabMessenger }] = await Promise.all([
    import('./create-real-messenger.js'),
    import('../tabs/create-tab-messenger.js'),
  ]);
  // One tab owns the device; the others are its clients (docs/decisions/0710).
  return createTabMessenger(DATABASE_NAME, createRealMessenger);
}
