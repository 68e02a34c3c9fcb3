import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomDeviceKeys, randomEcPublicKey, type Credentials } from '@parley/relay-client';
import { registerAccount } from '../support/accounts.js';
import { startTestRelay, type TestRelay } from '../support/relay-harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

/** Findings 4, 5 and 6 of issue #12: security headers, dotfiles, /metrics, strict bodies. */
describe('the web origin and the HTTP edge', () => {
  let t: TestRelay;
  let webRoot: string;
  let device: Credentials;

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'parley-web-root-'));
    mkdirSync(join(webRoot, '.git'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>app shell</title>');
    writeFileSync(join(webRoot, '.env'), 'SECRET=1');
    writeFileSync(join(webRoot, '.git', 'config'), '[core]');
    t = await startTestRelay({ webRoot, metricsToken: METRICS_TOKEN });
    device = (await registerAccount(t.client, 1)).devices[0]!;
  });
  afterAll(async () => {
    await t.stop();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.relay.url}${path}`, { headers: { accept: 'text/html', ...headers } });
  const auth = (deviceId: string, secret = device.secret) =>
    `Basic ${Buffer.from(`${device.accountId}.${deviceId}:${secret}`).toString('base64')}`;
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${t.relay.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: auth(String(device.deviceId)) },
      body: JSON.stringify(body),
    });

  it('sends a strict CSP, no framing, nosniff, referrer and opener policies on app and API', async () => {
    const host = new URL(t.relay.url).host;
    for (const response of [await get('/'), await get('/v1/devices'), await get('/healthz')]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      // No 'unsafe-inline', no other origin; wasm may compile, JS may not eval.
      expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    }
  });

  it('never serves dotfiles, however the path is spelled', async () => {
    for (const path of ['/.env', '/%2eenv', '/%2Eenv', '/.git/config', '/x/../.env']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('SECRET');
    }
    expect((await get('/')).status).toBe(200);
  });

  it('serves /metrics only with the configured bearer token', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(
      401,
    );
    const metrics = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('parley_relay_envelopes_in_total');
  });

  it('refuses bodies with wrong types or unknown properties instead of repairing them', async () => {
    const keys = randomDeviceKeys();
    const register = (device: unknown, extra: Record<string, unknown> = {}) =>
      send('POST', '/v1/accounts', {
        username: `strict_${Math.random().toString(36).slice(2, 10)}`,
        identityKey: randomEcPublicKey(),
        device,
        ...extra,
      });
    for (const registrationId of ['1234', true, [1234]]) {
      const response = await register({ ...keys, registrationId });
      expect(response.status, JSON.stringify(registrationId)).toBe(400);
    }
    expect((await register(keys, { admin: true })).status).toBe(400);
    expect((await register({ ...keys, extra: 1 })).status).toBe(400);
    const badKeyId = { ...keys.signedPreKey, keyId: '7' };
    expect((await register({ ...keys, signedPreKey: badKeyId })).status).toBe(400);
    expect((await send('PUT', '/v1/keys', { foo: 1 })).status).toBe(400);
    expect((await send('PUT', '/v1/keys', {})).status).toBe(400);
    expect((await register(keys)).status).toBe(201); // the same body, well-typed, passes
  });

  it('reads device ids as plain decimal only, in credentials and in paths', async () => {
    const list = (authorization: string) => get('/v1/devices', { authorization });
    for (const spelled of ['01', '1e0', '0x1', '+1', '1.0', ' 1']) {
      expect((await list(auth(spelled))).status, spelled).toBe(401);
    }
    expect((await list(auth(String(device.deviceId)))).status).toBe(200);
    for (const spelled of ['01', '1e0', '0x1']) {
      const response = await fetch(`${t.relay.url}/v1/keys/${device.accountId}/${spelled}`, {
        headers: { authorization: auth(String(device.deviceId)) },
      });
      expect(response.status, spelled).toBe(400);
    }
  });
});
