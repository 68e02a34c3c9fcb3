/**
 * The main process's glue (src/main/main.ts) with `electron` mocked: Electron's binary cannot run
 * here, so this asserts what main.ts asks of it — the privileged app:// scheme, the single
 * instance lock, the permission handlers, and a window opened with the secure preferences and the
 * navigation guard, loading app:// and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { IPC } from '@parley/core/remote';
import { secureWebPreferences } from '../../src/main/security/web-preferences.js';

const userData = mkdtempSync(join(tmpdir(), 'parley-main-'));

const electron = vi.hoisted(() => {
  const windows: Array<{ options: Record<string, unknown>; contents: Record<string, unknown> }> =
    [];
  const fn = () => vi.fn();
  class BrowserWindow {
    webContents = {
      on: vi.fn(),
      once: vi.fn(),
      send: vi.fn(),
      setWindowOpenHandler: vi.fn(),
    };
    loadURL = vi.fn(async () => undefined);
    once = vi.fn();
    on = vi.fn();
    constructor(readonly options: Record<string, unknown>) {
      windows.push({ options, contents: this.webContents as never });
      Object.assign(windows[windows.length - 1]!, { window: this });
    }
  }
  class Tray {
    on = vi.fn();
    setToolTip = vi.fn();
  }
  return {
    windows,
    app: {
      isPackaged: true,
      requestSingleInstanceLock: vi.fn(() => true),
      setAsDefaultProtocolClient: fn(),
      on: fn(),
      quit: fn(),
      exit: fn(),
      whenReady: () => Promise.resolve(),
      getPath: vi.fn(() => ''),
      setBadgeCount: fn(),
      getLoginItemSettings: () => ({ openAtLogin: false }),
      setLoginItemSettings: fn(),
    },
    protocol: { registerSchemesAsPrivileged: fn(), handle: fn() },
    session: {
      defaultSession: { setPermissionRequestHandler: fn(), setPermissionCheckHandler: fn() },
    },
    ipcMain: { on: fn(), handle: fn() },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
    },
    utilityProcess: { fork: vi.fn(() => ({ postMessage: vi.fn(), kill: vi.fn() })) },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    Menu: { buildFromTemplate: vi.fn((t: unknown) => t), setApplicationMenu: fn() },
    nativeImage: { createFromPath: vi.fn(() => ({ resize: () => ({}) })) },
    shell: { openExternal: fn() },
    Notification: class {},
    MessageChannelMain: class {},
    BrowserWindow,
    Tray,
  };
});

vi.mock('electron', () => electron);
// electron-updater requires the real electron (CommonJS, beyond vi.mock's reach): stubbed too.
const checkForUpdates = vi.hoisted(() => vi.fn(async () => null));
vi.mock('electron-updater', () => ({
  default: { autoUpdater: { checkForUpdatesAndNotify: checkForUpdates } },
}));

describe('main process', async () => {
  electron.app.getPath.mockReturnValue(userData);
  await import('../../src/main/main.js');
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
  const [opened] = electron.windows as Array<{
    options: { webPreferences: Record<string, unknown> };
    contents: Record<string, ReturnType<typeof vi.fn>>;
    window: { loadURL: ReturnType<typeof vi.fn> };
  }>;

  it('registers app:// as privileged and serves it through the protocol handler', () => {
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: 'app' }),
    ]);
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });

  it('takes the single-instance lock and registers parley:// links', () => {
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(electron.app.setAsDefaultProtocolClient).toHaveBeenCalledWith('parley');
    expect(electron.app.on).toHaveBeenCalledWith('second-instance', expect.any(Function));
    expect(electron.app.on).toHaveBeenCalledWith('open-url', expect.any(Function));
  });

  it('installs the permission handlers and the IPC handlers', () => {
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    const channels = [
      ...electron.ipcMain.on.mock.calls.map(([channel]) => channel),
      ...electron.ipcMain.handle.mock.calls.map(([channel]) => channel),
    ];
    expect(channels.sort()).toEqual(
      [
        IPC.requestBackendPort,
        IPC.setUnreadCount,
        IPC.notify,
        IPC.getOpenAtLogin,
        IPC.setOpenAtLogin,
      ].sort(),
    );
  });

  it('opens the window with the secure preferences and the guard, on app:// only', () => {
    const preload = opened!.options.webPreferences.preload as string;
    expect(preload).toMatch(/preload\.cjs$/);
    expect(opened!.options.webPreferences).toStrictEqual(secureWebPreferences(preload));
    expect(opened!.contents.setWindowOpenHandler).toHaveBeenCalled();
    const events = opened!.contents.on!.mock.calls.map(([event]) => event);
    expect(events).toEqual(
      expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']),
    );
    expect(opened!.window.loadURL.mock.calls).toEqual([['app://parley/index.html']]);
  });

  it('checks the update feed when packaged', () => {
    expect(checkForUpdates).toHaveBeenCalled();
  });

  it('starts the backend in a utility process with the keychain-sealed database key', () => {
    expect(electron.utilityProcess.fork).toHaveBeenCalledWith(
      expect.stringMatching(/backend\/launch\/launch\.js$/),
      ['utility-process-entry', expect.stringMatching(/code-cache$/)],
      expect.anything(),
    );
    const child = electron.utilityProcess.fork.mock.results[0]!.value as {
      postMessage: ReturnType<typeof vi.fn>;
    };
    expect(child.postMessage.mock.calls[0]![0]).toMatchObject({
      type: 'start',
      databaseKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe('main-process sources', () => {
  const mainDir = fileURLToPath(new URL('../../src/main/', import.meta.url));
  const sources = (readdirSync(mainDir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(join(mainDir, file), 'utf8') }));

  it('open windows only through createMainWindow (which installs the guard)', () => {
    const constructing = sources.filter(({ text }) => /new\s+BrowserWindow\w*\s*\(/.test(text));
    expect(constructing.map(({ file }) => file)).toEqual(['window.ts']);
  });

  it('never load file:// or remote pages', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/loadFile\s*\(/);
      expect(text, file).not.toMatch(/loadURL\s*\(\s*['"`](file|https?):/);
    }
  });
});
