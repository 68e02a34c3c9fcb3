import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startTestRelay, type TestRelay } from './support/relay-harness.js';

/** The optional web root: the built web app served on the relay's origin. */
describe('web root', () => {
  let t: TestRelay;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'parley-web-root-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>app shell</title>');
    writeFileSync(join(webRoot, 'sw.js'), 'self.skipWaiting()');
    writeFileSync(join(webRoot, 'assets', 'main-abc123.js'), 'console.log(1)');
    t = await startTestRelay({ webRoot });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const get = (path: string, accept = '*/*') =>
    fetch(`${t.relay.url}${path}`, { headers: { accept } });

  it('serves the app shell without caching, and hashed assets as immutable', async () => {
    const index = await get('/', 'text/html');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('app shell');
    expect(index.headers.get('cache-control')).toBe('no-cache');

    const sw = await get('/sw.js');
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('content-type')).toMatch(/javascript/);

    const asset = await get('/assets/main-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers / with the app whatever the client accepts (curl sends */*)', async () => {
    for (const accept of ['*/*', '']) {
      const root = await get('/', accept);
      expect(root.status).toBe(200);
      expect(await root.text()).toContain('app shell');
    }
  });

  it('answers navigations to client-side routes with the app shell', async () => {
    const route = await get('/chat/some-id', 'text/html,application/xhtml+xml');
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('app shell');
  });

  it('keeps relay paths, missing files and paths outside the root out of the fallback', async () => {
    const api = await get('/v1/no-such-route', 'text/html');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect([400, 404]).toContain((await get('/%E0%A4%A')).status);
  });
});

describe('web root configuration', () => {
  it('is off by default, and read from --web-root or PARLEY_WEB_ROOT relative to the start directory', () => {
    expect(loadConfig([], {}, '/repo')).toMatchObject({ webRoot: undefined });
    expect(loadConfig(['--web-root', 'apps/web/dist'], {}, '/repo')).toMatchObject({
      webRoot: '/repo/apps/web/dist',
    });
    expect(loadConfig([], { PARLEY_WEB_ROOT: '/srv/web' }, '/repo')).toMatchObject({
      webRoot: '/srv/web',
    });
  });
});

describe('without a web root', () => {
  it('serves no files at all', async () => {
    const t = await startTestRelay();
    try {
      const response = await fetch(`${t.relay.url}/`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(404);
    } finally {
      await t.stop();
    }
  });
});
