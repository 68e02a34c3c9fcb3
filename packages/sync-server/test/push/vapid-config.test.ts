import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadVapidKeys, VAPID_KEYS_FILE } from '../../src/push/vapid-keys.js';
import { tempDataDir } from '../support/relay-harness.js';

describe('VAPID keys', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

  it('are generated once into the data directory and kept across restarts', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const [first, racing] = await Promise.all([
      loadVapidKeys(data.dir, undefined),
      loadVapidKeys(data.dir, undefined), // a second process starting at the same moment
    ]);
    expect(racing).toEqual(first);
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(await loadVapidKeys(data.dir, undefined)).toEqual(first);
    expect(JSON.parse(await readFile(join(data.dir, VAPID_KEYS_FILE), 'utf8'))).toEqual(first);
  });

  it('are kept in a data directory created for them (a relay on PostgreSQL has none yet)', async () => {
    const data = tempDataDir();
    dirs.push(data);
    const dir = join(data.dir, 'not', 'made', 'yet');
    const keys = await loadVapidKeys(dir, undefined);
    expect(JSON.parse(await readFile(join(dir, VAPID_KEYS_FILE), 'utf8'))).toEqual(keys);
  });

  it('come from the environment when both halves are set, else nowhere but the file', () => {
    const pair = webpush.generateVAPIDKeys();
    const config = (env: NodeJS.ProcessEnv) => loadConfig([], env, '/tmp');
    expect(
      config({
        PARLEY_VAPID_PUBLIC_KEY: pair.publicKey,
        PARLEY_VAPID_PRIVATE_KEY: pair.privateKey,
      }),
    ).toMatchObject({ push: { vapid: pair } });
    expect(() => config({ PARLEY_VAPID_PUBLIC_KEY: pair.publicKey })).toThrow(ConfigError);
    expect(() =>
      config({ PARLEY_VAPID_PUBLIC_KEY: 'short', PARLEY_VAPID_PRIVATE_KEY: pair.privateKey }),
    ).toThrow(ConfigError);
    expect(() => config({ PARLEY_VAPID_SUBJECT: 'ops@example.org' })).toThrow(ConfigError);
    expect(config({ PARLEY_VAPID_SUBJECT: 'https://example.org/contact' })).toMatchObject({
      push: { subject: 'https://example.org/contact' },
    });
  });
});
