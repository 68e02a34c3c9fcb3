import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  IPC,
  MAX_NOTIFICATION_BODY,
  MAX_NOTIFICATION_TITLE,
  MAX_UNREAD_COUNT,
  type DesktopNotification,
} from '@parley/core/remote';
import { isAppUrl } from './security/navigation-guard.js';

/** What the handlers do once a request is valid (the glue in main.ts provides it). */
export interface IpcActions {
  connectBackend(sender: WebContents): void;
  setUnreadCount(count: number): void;
  notify(notification: DesktopNotification, sender: WebContents): void;
  getOpenAtLogin(): boolean;
  setOpenAtLogin(enabled: boolean): void;
}

export class InvalidIpcRequest extends Error {
  override readonly name = 'InvalidIpcRequest';
}

/**
 * The main process's side of the preload bridge. Every request must come from the app's own page
 * (app://parley, main frame) and carry exactly the payload its channel defines; anything else is
 * refused (send: dropped, invoke: rejected), so a compromised renderer gains nothing new.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'on' | 'handle'>,
  actions: IpcActions,
): void {
  on(ipcMain, IPC.requestBackendPort, (event) => actions.connectBackend(event.sender));
  on(ipcMain, IPC.setUnreadCount, (_event, count) => actions.setUnreadCount(parseCount(count)));
  on(ipcMain, IPC.notify, (event, notification) =>
    actions.notify(parseNotification(notification), event.sender),
  );
  handle(ipcMain, IPC.getOpenAtLogin, () => actions.getOpenAtLogin());
  handle(ipcMain, IPC.setOpenAtLogin, (_event, enabled) => {
    if (typeof enabled !== 'boolean') throw new InvalidIpcRequest('enabled must be a boolean');
    actions.setOpenAtLogin(enabled);
  });
}

function on(
  ipcMain: Pick<IpcMain, 'on'>,
  channel: string,
  listener: (event: IpcMainEvent, ...args: unknown[]) => void,
): void {
  ipcMain.on(channel, (event, ...args: unknown[]) => {
    if (!fromAppPage(event)) return;
    try {
      listener(event, ...args);
    } catch (error) {
      if (!(error instanceof InvalidIpcRequest)) throw error;
    }
  });
}

function handle(
  ipcMain: Pick<IpcMain, 'handle'>,
  channel: string,
  listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown,
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => {
    if (!fromAppPage(event)) throw new InvalidIpcRequest('not from the app');
    return listener(event, ...args);
  });
}

/** The app's own top-level page: not another origin, not a subframe. */
export function fromAppPage(event: Pick<IpcMainEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

export function parseCount(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > MAX_UNREAD_COUNT)
    throw new InvalidIpcRequest('count must be an integer in 0..MAX_UNREAD_COUNT');
  return value as number;
}

export function parseNotification(value: unknown): DesktopNotification {
  if (typeof value !== 'object' || value === null)
    throw new InvalidIpcRequest('notification must be an object');
  const { conversationId, title, body } = value as Record<string, unknown>;
  if (
    typeof conversationId !== 'string' ||
    conversationId.length === 0 ||
    conversationId.length > 200
  )
    throw new InvalidIpcRequest('conversationId must be a short string');
  if (typeof title !== 'string' || title.length > MAX_NOTIFICATION_TITLE)
    throw new InvalidIpcRequest('title must be a string of at most MAX_NOTIFICATION_TITLE');
  if (typeof body !== 'string' || body.length > MAX_NOTIFICATION_BODY)
    throw new InvalidIpcRequest('body must be a string of at most MAX_NOTIFICATION_BODY');
  return { conversationId, title, body };
}
