import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_ORIGIN } from './app-protocol.js';
import { guardWebContents } from './security/navigation-guard.js';
import { secureWebPreferences } from './security/web-preferences.js';
import type { WindowState } from './window-state.js';

export type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/**
 * The one way this app opens a window: secure preferences, the navigation guard installed before
 * anything loads, then the app from app:// (test/main/window.test.ts checks that no other file
 * constructs a BrowserWindow).
 */
export function createMainWindow(
  BrowserWindowImpl: BrowserWindowClass,
  options: {
    preloadPath: string;
    state: WindowState & { centre: boolean };
    openExternal: (url: string) => void;
  },
): BrowserWindow {
  const { bounds, centre, maximized } = options.state;
  const window = new BrowserWindowImpl({
    ...(centre ? { width: bounds.width, height: bounds.height, center: true } : bounds),
    minWidth: 400,
    minHeight: 400,
    show: false,
    title: 'Parley',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  guardWebContents(window.webContents, options.openExternal);
  window.once('ready-to-show', () => {
    if (maximized) window.maximize();
    window.show();
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
