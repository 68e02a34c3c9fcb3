/** The renderer's security checklist (docs/decisions/0802): loosening any entry fails here. */
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, CSP_DIRECTIVES } from '../../src/main/security/csp.js';
import { guardWebContents } from '../../src/main/security/navigation-guard.js';
import {
  installPermissionHandlers,
  isPermissionAllowed,
} from '../../src/main/security/permissions.js';
import { secureWebPreferences } from '../../src/main/security/web-preferences.js';

describe('web preferences', () => {
  it('are exactly the locked-down set', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toStrictEqual({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    });
  });
});

describe('content security policy', () => {
  it('is exactly the strict policy', () => {
    expect(Object.fromEntries(CSP_DIRECTIVES)).toStrictEqual({
      'default-src': "'none'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data: blob:",
      'font-src': "'self'",
      'media-src': "'self' blob:",
      'connect-src': "'self'",
      'worker-src': "'self'",
      'manifest-src': "'self'",
      'object-src': "'none'",
      'frame-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
  });

  it('allows no inline or evaluated script and no remote source', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:|wss?:/);
    expect(CONTENT_SECURITY_POLICY.split('; ')).toHaveLength(CSP_DIRECTIVES.length);
  });
});

/** A WebContents stand-in that records the handlers the guard installs. */
function fakeContents() {
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  return {
    handlers,
    open: (url: string) => openHandler?.({ url }),
    contents: {
      on: vi.fn((event: string, handler: (...args: unknown[]) => void) => {
        handlers.set(event, handler);
      }),
      setWindowOpenHandler: vi.fn((handler: typeof openHandler) => (openHandler = handler)),
    },
  };
}

function navigate(fake: ReturnType<typeof fakeContents>, event: string, url: string) {
  const preventDefault = vi.fn();
  if (event === 'will-frame-navigate') fake.handlers.get(event)?.({ url, preventDefault });
  else fake.handlers.get(event)?.({ preventDefault }, url);
  return preventDefault.mock.calls.length > 0;
}

describe('navigation guard', () => {
  it('keeps every navigation on app://parley and hands web links to the browser', () => {
    const fake = fakeContents();
    const openExternal = vi.fn();
    guardWebContents(fake.contents as never, openExternal);
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      expect(navigate(fake, event, 'app://parley/index.html#/chat/x')).toBe(false);
      expect(navigate(fake, event, 'https://example.org/')).toBe(true);
      expect(navigate(fake, event, 'file:///etc/passwd')).toBe(true);
      expect(navigate(fake, event, 'app://other/index.html')).toBe(true);
      expect(navigate(fake, event, 'http://127.0.0.1:8787/')).toBe(true);
    }
    expect(openExternal.mock.calls.map(([url]) => url)).toEqual([
      'https://example.org/',
      'https://example.org/',
      'https://example.org/',
    ]);
  });

  it('never opens a new window and blocks <webview>', () => {
    const fake = fakeContents();
    const openExternal = vi.fn();
    guardWebContents(fake.contents as never, openExternal);
    expect(fake.open('https://example.org/a')).toEqual({ action: 'deny' });
    expect(fake.open('app://parley/index.html')).toEqual({ action: 'deny' });
    expect(fake.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.org/a']]);
    const preventDefault = vi.fn();
    fake.handlers.get('will-attach-webview')?.({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
  });
});

describe('permissions', () => {
  const app = 'app://parley/index.html';
  it('grants notifications, sanitized clipboard writes and camera/microphone to the app only', () => {
    expect(isPermissionAllowed('notifications', app)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', app)).toBe(true);
    expect(isPermissionAllowed('media', app, { mediaTypes: ['audio', 'video'] })).toBe(true);
    expect(isPermissionAllowed('notifications', 'https://example.org/')).toBe(false);
    expect(isPermissionAllowed('media', 'file:///x.html', { mediaTypes: ['audio'] })).toBe(false);
    // Only requests naming camera or microphone: none named, or another kind, is refused.
    expect(isPermissionAllowed('media', app, { mediaTypes: [] })).toBe(false);
    expect(isPermissionAllowed('media', app)).toBe(false);
    expect(isPermissionAllowed('media', app, { mediaTypes: ['audio', 'screen'] })).toBe(false);
    for (const denied of ['geolocation', 'midi', 'openExternal', 'display-capture', 'hid', 'usb'])
      expect(isPermissionAllowed(denied, app)).toBe(false);
  });

  it('answers the session request and check handlers through that rule', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    installPermissionHandlers(session as never);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0] as (
      ...args: unknown[]
    ) => void;
    const callback = vi.fn();
    request({}, 'geolocation', callback, { requestingUrl: app });
    request({}, 'notifications', callback, { requestingUrl: app });
    request({}, 'notifications', callback, { requestingUrl: 'https://evil.example/' });
    expect(callback.mock.calls).toEqual([[false], [true], [false]]);
    const check = session.setPermissionCheckHandler.mock.calls[0]![0] as (
      ...args: unknown[]
    ) => boolean;
    expect(check({}, 'notifications', 'app://parley', {})).toBe(true);
    expect(check({}, 'notifications', 'https://evil.example', {})).toBe(false);
    // A media check names its one type: camera or microphone pass, 'unknown' does not.
    expect(check({}, 'media', 'app://parley', { mediaType: 'audio' })).toBe(true);
    expect(check({}, 'media', 'app://parley', { mediaType: 'video' })).toBe(true);
    expect(check({}, 'media', 'app://parley', { mediaType: 'unknown' })).toBe(false);
    expect(check({}, 'media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
  });
});
