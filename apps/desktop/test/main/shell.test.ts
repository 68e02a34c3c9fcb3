/** Deep links, notifications, the unread badge, window state and the menu. */
import { describe, expect, it, vi } from 'vitest';
import { showUnreadCount } from '../../src/main/badge.js';
import { deepLinkFromArgv, parseDeepLink } from '../../src/main/deep-links.js';
import { menuTemplate } from '../../src/main/menu.js';
import { showMessageNotification } from '../../src/main/notifications.js';
import { DEFAULT_WINDOW_STATE, restoreWindowState } from '../../src/main/window-state.js';

describe('deep links', () => {
  it('opens a chat by username and device linking', () => {
    expect(parseDeepLink('parley://chat/alice')).toEqual({ kind: 'open-chat', username: 'alice' });
    expect(parseDeepLink('parley://chat/alice/')).toEqual({ kind: 'open-chat', username: 'alice' });
    expect(parseDeepLink('parley://link')).toEqual({ kind: 'link-device' });
  });

  it('ignores anything else', () => {
    for (const link of [
      'parley://chat/Alice',
      'parley://chat/a',
      'parley://chat/alice?text=hi',
      'parley://chat/alice#x',
      'parley://chat/../settings',
      'parley://settings',
      'https://chat/alice',
      'parley://link/extra',
      'not a url',
    ])
      expect(parseDeepLink(link), link).toBeUndefined();
  });

  it('finds the link among a second instance’s arguments', () => {
    expect(deepLinkFromArgv(['/opt/Parley/parley', '--flag', 'parley://chat/bob'])).toEqual({
      kind: 'open-chat',
      username: 'bob',
    });
    expect(deepLinkFromArgv(['/opt/Parley/parley', 'parley://chat/B!'])).toBeUndefined();
  });
});

function fakeNotificationClass(supported = true) {
  const created: Array<{ options: unknown; handlers: Map<string, Listener>; shown: boolean }> = [];
  type Listener = (...args: unknown[]) => void;
  class FakeNotification {
    static isSupported = () => supported;
    readonly record;
    constructor(options: unknown) {
      this.record = { options, handlers: new Map<string, Listener>(), shown: false };
      created.push(this.record);
    }
    on(event: string, listener: Listener) {
      this.record.handlers.set(event, listener);
      return this;
    }
    show() {
      this.record.shown = true;
    }
  }
  return { FakeNotification, created };
}

describe('notifications', () => {
  const message = { conversationId: 'c1', title: 'bob', body: 'lunch?' };

  it('offers an inline reply on macOS and reports click and reply', () => {
    const { FakeNotification, created } = fakeNotificationClass();
    const onAction = vi.fn();
    showMessageNotification(FakeNotification as never, message, 'darwin', onAction);
    expect(created[0]!.options).toMatchObject({ title: 'bob', body: 'lunch?', hasReply: true });
    expect(created[0]!.shown).toBe(true);
    created[0]!.handlers.get('click')!();
    created[0]!.handlers.get('reply')!({}, 'yes!');
    created[0]!.handlers.get('reply')!({}, '   ');
    expect(onAction.mock.calls).toEqual([
      [{ kind: 'open', conversationId: 'c1' }],
      [{ kind: 'reply', conversationId: 'c1', text: 'yes!' }],
    ]);
  });

  it('has no reply field elsewhere, and shows nothing where notifications are unsupported', () => {
    const linux = fakeNotificationClass();
    showMessageNotification(linux.FakeNotification as never, message, 'linux', vi.fn());
    expect(linux.created[0]!.options).toMatchObject({ hasReply: false });
    const none = fakeNotificationClass(false);
    showMessageNotification(none.FakeNotification as never, message, 'win32', vi.fn());
    expect(none.created).toEqual([]);
  });
});

describe('unread badge', () => {
  function targets(platform: NodeJS.Platform) {
    return {
      platform,
      setBadgeCount: vi.fn(() => true),
      setOverlayIcon: vi.fn(),
      setTrayToolTip: vi.fn(),
      unreadOverlay: { overlay: true } as never,
    };
  }

  it('uses the dock badge on macOS and Linux, the taskbar overlay on Windows', () => {
    const mac = targets('darwin');
    showUnreadCount(mac, 4);
    showUnreadCount(mac, 0);
    expect(mac.setBadgeCount.mock.calls).toEqual([[4], [0]]);
    expect(mac.setTrayToolTip.mock.calls).toEqual([['Parley — 4 unread'], ['Parley']]);
    const win = targets('win32');
    showUnreadCount(win, 2);
    showUnreadCount(win, 0);
    expect(win.setOverlayIcon.mock.calls).toEqual([
      [{ overlay: true }, 'Parley — 2 unread'],
      [null, 'Parley'],
    ]);
    expect(win.setBadgeCount).not.toHaveBeenCalled();
  });
});

describe('window state', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };
  it('restores a saved state that is still on a display', () => {
    const saved = { bounds: { x: 100, y: 50, width: 900, height: 700 }, maximized: true };
    expect(restoreWindowState(saved, [display])).toEqual({ ...saved, centre: false });
  });

  it('falls back to the centred default when off-screen or malformed', () => {
    const offScreen = { bounds: { x: 3000, y: 50, width: 900, height: 700 }, maximized: false };
    for (const saved of [offScreen, undefined, { bounds: 'x' }, { ...offScreen, maximized: 1 }])
      expect(restoreWindowState(saved, [display])).toEqual({
        ...DEFAULT_WINDOW_STATE,
        centre: true,
      });
  });
});

describe('menu', () => {
  const roles = (template: ReturnType<typeof menuTemplate>) =>
    JSON.stringify(template).match(/"role":"\w+"/g) ?? [];

  it('has the usual edit shortcuts and no developer tools in production', () => {
    const production = roles(menuTemplate('linux', false));
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'togglefullscreen'])
      expect(production).toContain(`"role":"${role}"`);
    expect(production).not.toContain('"role":"toggleDevTools"');
    expect(roles(menuTemplate('linux', true))).toContain('"role":"toggleDevTools"');
    expect(roles(menuTemplate('darwin', false))[0]).toBe('"role":"appMenu"');
  });
});
