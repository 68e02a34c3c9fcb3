import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '@parley/relay-client';
import { ConfigError, loadConfig } from '../../src/config.js';
import { registerAccount } from '../support/accounts.js';
import { startTestRelay, type TestRelay } from '../support/relay-harness.js';

const SECRET = 'a-turn-secret-of-some-length';
const basic = (device: Credentials, secret = device.secret) =>
  'Basic ' + Buffer.from(`${device.accountId}.${device.deviceId}:${secret}`).toString('base64');

/** GET /v1/calls/ice-servers: STUN for all, coturn REST TURN credentials per authenticated device. */
describe('ICE servers for calls', () => {
  let t: TestRelay;
  let alice: Credentials;
  beforeAll(async () => {
    t = await startTestRelay({
      ice: {
        stunUrls: ['stun:10.77.0.1:3478'],
        turnUrls: ['turn:10.77.0.1:3478?transport=udp'],
        turnSecret: SECRET,
        turnTtlSeconds: 600,
      },
    });
    alice = (await registerAccount(t.client)).devices[0]!;
  });
  afterAll(() => t.stop());

  const get = (authorization?: string) =>
    fetch(new URL('/v1/calls/ice-servers', t.relay.url), {
      headers: authorization ? { authorization } : {},
    });

  it('hands an authenticated device a TURN credential coturn can verify, expiring as configured', async () => {
    const before = Date.now();
    const response = await get(basic(alice));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as {
      iceServers: { urls: string[]; username?: string; credential?: string }[];
      expiresAt: number;
    };
    expect(body.iceServers[0]).toEqual({ urls: ['stun:10.77.0.1:3478'] });
    const turn = body.iceServers[1]!;
    const [expiry, user] = turn.username!.split(':');
    expect(user).toBe(`${alice.accountId}.${alice.deviceId}`);
    expect(Number(expiry) * 1000).toBe(body.expiresAt);
    expect(body.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
    // What coturn computes from its static-auth-secret; a tampered username no longer matches.
    const hmac = (name: string) => createHmac('sha1', SECRET).update(name).digest('base64');
    expect(turn.credential).toBe(hmac(turn.username!));
    expect(turn.credential).not.toBe(hmac(`${Number(expiry) + 1}:${user}`));
  });

  it('refuses devices without valid credentials', async () => {
    expect((await get()).status).toBe(401);
    expect((await get(basic(alice, 'A'.repeat(43)))).status).toBe(401);
  });

  it('refuses TURN without a long enough secret, and URLs that are not STUN/TURN', () => {
    const load = (argv: string[], env: Record<string, string> = {}) =>
      loadConfig(argv, env, '/tmp');
    expect(() => load(['--turn-urls', 'turn:h:3478'])).toThrow(ConfigError);
    expect(() => load(['--turn-urls', 'turn:h:3478'], { PARLEY_TURN_SECRET: 'short' })).toThrow(
      /at least 16/,
    );
    expect(() => load(['--stun-urls', 'http://evil'])).toThrow(/stun URL/);
    const config = load(['--stun-urls', 'stun:a:1, stun:b:2', '--turn-urls', 'turns:t:5349'], {
      PARLEY_TURN_SECRET: SECRET,
    });
    expect(config !== 'help' && config.ice).toMatchObject({
      stunUrls: ['stun:a:1', 'stun:b:2'],
      turnUrls: ['turns:t:5349'],
    });
    expect(() => load(['--ice-transport-policy', 'relay'])).toThrow(/needs --turn-urls/);
    expect(() => load(['--ice-transport-policy', 'sometimes'])).toThrow(/"all" or "relay"/);
    const relayOnly = load(['--turn-urls', 'turn:t:3478', '--ice-transport-policy', 'relay'], {
      PARLEY_TURN_SECRET: SECRET,
    });
    expect(relayOnly !== 'help' && relayOnly.ice?.iceTransportPolicy).toBe('relay');
  });
});
