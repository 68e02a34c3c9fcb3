/**
 * The preload bridge: everything the renderer may ask of the main process, and nothing more
 * (docs/decisions/0802). The renderer gets `window.parleyDesktop` with these functions; each one
 * maps to one IPC channel whose payload the main process validates (apps/desktop/src/main/ipc-handlers.ts).
 * The backend's MessagePort arrives separately, as a window message named BACKEND_PORT_MESSAGE
 * (a MessagePort cannot cross contextBridge).
 */
export interface DesktopBridge {
  readonly platform: string;
  /** Asks main for a fresh port to the backend; it arrives as a BACKEND_PORT_MESSAGE. */
  requestBackendPort(): void;
  setUnreadCount(count: number): void;
  /** A native notification; a click or an inline reply comes back through onNotificationAction. */
  notify(notification: DesktopNotification): void;
  onNotificationAction(listener: (action: NotificationAction) => void): () => void;
  onDeepLink(listener: (link: DeepLink) => void): () => void;
  getOpenAtLogin(): Promise<boolean>;
  setOpenAtLogin(enabled: boolean): Promise<void>;
}

export interface DesktopNotification {
  conversationId: string;
  title: string;
  body: string;
}

export type NotificationAction =
  | { kind: 'open'; conversationId: string }
  | { kind: 'reply'; conversationId: string; text: string };

export type DeepLink = { kind: 'open-chat'; username: string } | { kind: 'link-device' };

export const BACKEND_PORT_MESSAGE = 'parley:backend-port';

/** IPC channel names, renderer -> main (send / invoke) and main -> renderer. */
export const IPC = {
  requestBackendPort: 'parley:request-backend-port',
  setUnreadCount: 'parley:set-unread-count',
  notify: 'parley:notify',
  getOpenAtLogin: 'parley:get-open-at-login',
  setOpenAtLogin: 'parley:set-open-at-login',
  backendPort: 'parley:backend-port',
  notificationAction: 'parley:notification-action',
  deepLink: 'parley:deep-link',
} as const;

/** Longest notification title/body main accepts (longer ones are refused, not cut). */
export const MAX_NOTIFICATION_TITLE = 200;
export const MAX_NOTIFICATION_BODY = 2_000;
export const MAX_UNREAD_COUNT = 1_000_000;
