/**
 * Electron's main process: only glue. Each concern lives in a module that receives Electron's
 * objects as parameters (tested with `electron` mocked); this file wires them to the real ones
 * and is the only main-process file that imports `electron` at run time.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  MessageChannelMain,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
  type UtilityProcess,
} from 'electron';
import electronUpdater from 'electron-updater';
import { IPC, type DeepLink } from '@parley/core/remote';
import { safeStorageKeyProvider } from '../backend/storage/database-key.js';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.js';
import { showUnreadCount } from './badge.js';
import { DEEP_LINK_SCHEME, deepLinkFromArgv, parseDeepLink } from './deep-links.js';
import { registerIpcHandlers } from './ipc-handlers.js';
import { menuTemplate } from './menu.js';
import { showMessageNotification } from './notifications.js';
import { installPermissionHandlers } from './security/permissions.js';
import { createMainWindow } from './window.js';
import { loadWindowState, restoreWindowState, saveWindowState } from './window-state.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, '../../renderer');
const relayUrl = process.env.PARLEY_RELAY_URL ?? 'https://relay.parley.example';
const development = !app.isPackaged;

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
if (!app.requestSingleInstanceLock()) app.quit();

let window: BrowserWindow | undefined;
let backend: UtilityProcess | undefined;
let tray: Tray | undefined;
let pendingLink: DeepLink | undefined = deepLinkFromArgv(process.argv);

function deliverDeepLink(link: DeepLink | undefined): void {
  if (!link) return;
  if (!window) {
    pendingLink = link;
    return;
  }
  if (window.isMinimized()) window.restore();
  window.focus();
  window.webContents.send(IPC.deepLink, link);
}

app.on('second-instance', (_event, argv) => deliverDeepLink(deepLinkFromArgv(argv)));
app.on('open-url', (event, url) => {
  event.preventDefault();
  deliverDeepLink(parseDeepLink(url));
});

async function startBackendProcess(): Promise<UtilityProcess> {
  const userData = app.getPath('userData');
  const key = await safeStorageKeyProvider(safeStorage, join(userData, 'database.key')).key();
  // The bundled backend, run through V8's code cache kept beside the data (docs/decisions/0811).
  const child = utilityProcess.fork(
    join(here, '../backend/launch/launch.js'),
    ['utility-process-entry', join(userData, 'code-cache')],
    { serviceName: 'Parley backend' },
  );
  child.postMessage({
    type: 'start',
    dataDir: join(userData, 'data'),
    relayUrl,
    databaseKey: key.toString('hex'),
  });
  key.fill(0);
  return child;
}

async function ready(): Promise<void> {
  protocol.handle('app', createAppProtocolHandler(rendererRoot));
  installPermissionHandlers(session.defaultSession);
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, development)));
  backend = await startBackendProcess();
  // The feed (electron-builder's `publish`, PARLEY_UPDATE_URL at build time) is read from
  // app-update.yml inside the package; development runs have none.
  if (app.isPackaged) void electronUpdater.autoUpdater.checkForUpdatesAndNotify();

  const statePath = join(app.getPath('userData'), 'window-state.json');
  const state = restoreWindowState(
    await loadWindowState(statePath),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  window = createMainWindow(BrowserWindow, {
    preloadPath: join(here, '../preload/preload.cjs'),
    state,
    openExternal: (url) => void shell.openExternal(url),
  });
  window.on('close', () => {
    if (!window) return;
    void saveWindowState(statePath, {
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized(),
    });
  });
  window.on('closed', () => (window = undefined));
  window.webContents.once('did-finish-load', () => {
    const link = pendingLink;
    pendingLink = undefined;
    deliverDeepLink(link);
  });

  // The web app's own icons (staged into renderer/); the overlay is the icon scaled down.
  const icon = nativeImage.createFromPath(join(rendererRoot, 'apple-touch-icon.png'));
  const unreadOverlay = icon.resize({ width: 16, height: 16 });
  tray = new Tray(icon.resize({ width: 22, height: 22 }));
  tray.on('click', () => window?.show());

  registerIpcHandlers(ipcMain, {
    connectBackend(sender) {
      const { port1, port2 } = new MessageChannelMain();
      backend?.postMessage({ type: 'port', nonce: randomBytes(8).toString('hex') }, [port1]);
      sender.postMessage(IPC.backendPort, null, [port2]);
    },
    setUnreadCount: (count) =>
      showUnreadCount(
        {
          platform: process.platform,
          setBadgeCount: (n) => app.setBadgeCount(n),
          setOverlayIcon: (icon, text) => window?.setOverlayIcon(icon, text),
          setTrayToolTip: (text) => tray?.setToolTip(text),
          unreadOverlay,
        },
        count,
      ),
    notify: (notification, sender) =>
      showMessageNotification(Notification, notification, process.platform, (action) => {
        if (action.kind === 'open') window?.show();
        sender.send(IPC.notificationAction, action);
      }),
    getOpenAtLogin: () => app.getLoginItemSettings().openAtLogin,
    setOpenAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
  });
}

app.whenReady().then(ready, (error: unknown) => {
  console.error('Parley could not start', error);
  app.exit(1);
});
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => backend?.kill());
