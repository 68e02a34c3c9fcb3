import { describe, expect, it, vi } from 'vitest';
import { IPC, MAX_NOTIFICATION_BODY } from '@parley/core/remote';
import { registerIpcHandlers, type IpcActions } from '../../src/main/ipc-handlers.js';

type Listener = (event: unknown, ...args: unknown[]) => unknown;

function setUp() {
  const on = new Map<string, Listener>();
  const handle = new Map<string, Listener>();
  const ipcMain = {
    on: vi.fn((channel: string, listener: Listener) => on.set(channel, listener)),
    handle: vi.fn((channel: string, listener: Listener) => handle.set(channel, listener)),
  };
  const actions = {
    connectBackend: vi.fn(),
    setUnreadCount: vi.fn(),
    notify: vi.fn(),
    getOpenAtLogin: vi.fn(() => true),
    setOpenAtLogin: vi.fn(),
  } satisfies IpcActions;
  registerIpcHandlers(ipcMain as never, actions);
  return { on, handle, actions };
}

const sender = { id: 1 };
const fromApp = { sender, senderFrame: { url: 'app://parley/index.html#/', parent: null } };
const fromElsewhere = { sender, senderFrame: { url: 'https://evil.example/', parent: null } };
const fromSubframe = { sender, senderFrame: { url: 'app://parley/x.html', parent: {} } };

describe('IPC handlers', () => {
  it('accept well-formed requests from the app page', async () => {
    const { on, handle, actions } = setUp();
    on.get(IPC.setUnreadCount)!(fromApp, 3);
    on.get(IPC.notify)!(fromApp, { conversationId: 'c1', title: 'bob', body: 'hi' });
    on.get(IPC.requestBackendPort)!(fromApp);
    expect(await handle.get(IPC.getOpenAtLogin)!(fromApp)).toBe(true);
    await handle.get(IPC.setOpenAtLogin)!(fromApp, false);
    expect(actions.setUnreadCount).toHaveBeenCalledWith(3);
    expect(actions.notify).toHaveBeenCalledWith(
      { conversationId: 'c1', title: 'bob', body: 'hi' },
      sender,
    );
    expect(actions.connectBackend).toHaveBeenCalledWith(sender);
    expect(actions.setOpenAtLogin).toHaveBeenCalledWith(false);
  });

  it('drop malformed payloads', () => {
    const { on, actions } = setUp();
    for (const bad of ['3', -1, 1.5, 10_000_000, null, undefined, Number.NaN])
      on.get(IPC.setUnreadCount)!(fromApp, bad);
    for (const bad of [
      null,
      'hi',
      { conversationId: '', title: 't', body: 'b' },
      { conversationId: 'c', title: 1, body: 'b' },
      { conversationId: 'c', title: 't', body: 'x'.repeat(MAX_NOTIFICATION_BODY + 1) },
    ])
      on.get(IPC.notify)!(fromApp, bad);
    expect(actions.setUnreadCount).not.toHaveBeenCalled();
    expect(actions.notify).not.toHaveBeenCalled();
  });

  it('refuse senders other than the app top-level page', async () => {
    const { on, handle, actions } = setUp();
    for (const event of [fromElsewhere, fromSubframe, { sender, senderFrame: null }]) {
      on.get(IPC.setUnreadCount)!(event, 1);
      on.get(IPC.requestBackendPort)!(event);
      await expect(async () => handle.get(IPC.setOpenAtLogin)!(event, true)).rejects.toThrow(
        'not from the app',
      );
    }
    expect(actions.setUnreadCount).not.toHaveBeenCalled();
    expect(actions.connectBackend).not.toHaveBeenCalled();
    expect(actions.setOpenAtLogin).not.toHaveBeenCalled();
  });

  it('reject an invoke with a wrong argument type', async () => {
    const { handle, actions } = setUp();
    await expect(async () => handle.get(IPC.setOpenAtLogin)!(fromApp, 'yes')).rejects.toThrow(
      'boolean',
    );
    expect(actions.setOpenAtLogin).not.toHaveBeenCalled();
  });
});
