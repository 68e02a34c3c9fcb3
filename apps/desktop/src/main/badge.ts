import type { NativeImage } from 'electron';

export interface BadgeTargets {
  platform: NodeJS.Platform;
  /** app.setBadgeCount: the dock (macOS) and Unity launchers (Linux). */
  setBadgeCount(count: number): boolean;
  /** BrowserWindow.setOverlayIcon: the taskbar (Windows). */
  setOverlayIcon(icon: NativeImage | null, description: string): void;
  /** Tray.setToolTip. */
  setTrayToolTip(text: string): void;
  /** The overlay drawn on Windows' taskbar button when something is unread. */
  unreadOverlay: NativeImage;
}

/** Shows the unread count where the OS shows such counts. */
export function showUnreadCount(targets: BadgeTargets, count: number): void {
  const label = count === 0 ? 'Parley' : `Parley — ${count} unread`;
  targets.setTrayToolTip(label);
  if (targets.platform === 'win32') {
    targets.setOverlayIcon(count > 0 ? targets.unreadOverlay : null, label);
  } else {
    targets.setBadgeCount(count);
  }
}
