import type { DesktopBridge } from '@parley/core/remote';

declare global {
  interface Window {
    /** Set by the desktop app's preload script (contextBridge); absent in browsers. */
    parleyDesktop?: DesktopBridge;
  }
}

/** The desktop app's bridge when the app runs as Parley Desktop's renderer, else undefined. */
export function desktopBridge(): DesktopBridge | undefined {
  return typeof window === 'undefined' ? undefined : window.parleyDesktop;
}
