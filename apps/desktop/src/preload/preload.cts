/**
 * The preload bridge (docs/decisions/0802). Runs sandboxed and isolated: it may require only
 * `electron`, so the channel names are spelled here and checked against the contract in
 * @parley/core/remote at compile time (the imports below are types only).
 */
import type {
  DeepLink,
  DesktopBridge,
  DesktopNotification,
  NotificationAction,
  IPC as Channels,
} from '@parley/core/remote' with { 'resolution-mode': 'import' };
// A sandboxed preload is CommonJS and may require only electron.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import electron = require('electron');

const { contextBridge, ipcRenderer } = electron;

const IPC = {
  requestBackendPort: 'parley:request-backend-port',
  setUnreadCount: 'parley:set-unread-count',
  notify: 'parley:notify',
  getOpenAtLogin: 'parley:get-open-at-login',
  setOpenAtLogin: 'parley:set-open-at-login',
  backendPort: 'parley:backend-port',
  notificationAction: 'parley:notification-action',
  deepLink: 'parley:deep-link',
} as const satisfies typeof Channels;
const BACKEND_PORT_MESSAGE = 'parley:backend-port';

// The backend's port goes to the page as a window message: a MessagePort cannot cross
// contextBridge, but window.postMessage can transfer it into the page's world.
ipcRenderer.on(IPC.backendPort, (event) => {
  window.postMessage(BACKEND_PORT_MESSAGE, window.location.origin, event.ports);
});

function subscribe<T>(channel: string, listener: (value: T) => void): () => void {
  const handler = (_event: electron.IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.removeListener(channel, handler);
}

const bridge: DesktopBridge = {
  platform: process.platform,
  requestBackendPort: () => ipcRenderer.send(IPC.requestBackendPort),
  setUnreadCount: (count: number) => ipcRenderer.send(IPC.setUnreadCount, count),
  notify: (notification: DesktopNotification) => ipcRenderer.send(IPC.notify, notification),
  onNotificationAction: (listener: (action: NotificationAction) => void) =>
    subscribe(IPC.notificationAction, listener),
  onDeepLink: (listener: (link: DeepLink) => void) => subscribe(IPC.deepLink, listener),
  getOpenAtLogin: () => ipcRenderer.invoke(IPC.getOpenAtLogin) as Promise<boolean>,
  setOpenAtLogin: (enabled: boolean) =>
    ipcRenderer.invoke(IPC.setOpenAtLogin, enabled) as Promise<void>,
};

contextBridge.exposeInMainWorld('parleyDesktop', bridge);
