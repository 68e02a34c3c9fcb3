import { describe, expect, it } from 'vitest';
import { noIceServers } from '../src/calls/ice-config.js';
import { ConfigError, defaultConfig, loadConfig } from '../src/config.js';

describe('relay configuration', () => {
  it('uses defaults, with ./data relative to the start directory', () => {
    expect(loadConfig([], {}, '/srv/parley')).toEqual({
      ...defaultConfig,
      ice: noIceServers,
      dataDir: '/srv/parley/data',
      databaseUrl: 'sqlite:/srv/parley/data/relay.sqlite',
    });
  });

  it('reads PARLEY_* variables, and flags win over them', () => {
    const env = { PARLEY_PORT: '9000', PARLEY_DATA_DIR: '/var/parley', PARLEY_MAILBOX_CAP: '5' };
    expect(loadConfig([], env, '/')).toMatchObject({
      port: 9000,
      dataDir: '/var/parley',
      mailboxCap: 5,
    });
    expect(loadConfig(['--port', '9100', '--retention-days', '7'], env, '/')).toMatchObject({
      port: 9100,
      retentionDays: 7,
      databaseUrl: 'sqlite:/var/parley/relay.sqlite',
    });
    expect(loadConfig(['--database-url', 'sqlite:db/r.sqlite'], {}, '/x')).toMatchObject({
      databaseUrl: 'sqlite:/x/db/r.sqlite',
    });
  });

  it('joins several relay processes only on PostgreSQL with Redis (decision 0161)', () => {
    const pgUrl = ['--database-url', 'postgres://u@db:5432/parley'];
    expect(
      loadConfig([...pgUrl, '--redis-url', 'redis://r:6379', '--workers', '4'], {}, '/'),
    ).toMatchObject({ redisUrl: 'redis://r:6379', redisPrefix: 'parley', workers: 4 });
    expect(() => loadConfig(['--workers', '2', ...pgUrl], {}, '/')).toThrow(/needs --redis-url/);
    expect(() => loadConfig(['--redis-url', 'redis://r:6379'], {}, '/')).toThrow(/postgres/);
    expect(() => loadConfig([...pgUrl, '--redis-url', 'http://r'], {}, '/')).toThrow(/redis URL/);
    expect(() =>
      loadConfig([...pgUrl, '--redis-url', 'redis://r', '--redis-prefix', 'a:b'], {}, '/'),
    ).toThrow(/prefix/);
    expect(() => loadConfig(['--workers', '0'], {}, '/')).toThrow(ConfigError);
  });

  it('accepts PostgreSQL URLs and a pool size', () => {
    const url = 'postgres://relay:secret@db.internal:5433/parley?sslmode=require';
    expect(
      loadConfig(['--database-url', url], { PARLEY_DATABASE_POOL_SIZE: '25' }, '/'),
    ).toMatchObject({ databaseUrl: url, databasePoolSize: 25 });
    expect(
      loadConfig([], { PARLEY_DATABASE_URL: 'postgresql://127.0.0.1/parley' }, '/'),
    ).toMatchObject({ databaseUrl: 'postgresql://127.0.0.1/parley', databasePoolSize: 10 });
  });

  it.each([
    [['--port', 'eighty'], {}, /port must be a whole number/],
    [[], { PARLEY_PORT: '70000' }, /port must be between/],
    [[], { PARLEY_RETENTION_DAYS: '0' }, /retention days/],
    [['--mailbox-cap=-1'], {}, /mailbox cap/],
    [['--log-level', 'loud'], {}, /log level/],
    [['--database-url', 'postgres://localhost'], {}, /must name one database/],
    [['--database-url', 'postgres://u:pw@/parley'], {}, /not a valid URL: "postgres:\/\/u:\*\*\*@/],
    [['--database-url', 'postgres://u:hunter2@h/a/b'], {}, /"postgres:\/\/u:\*\*\*@h\/a\/b"/],
    [['--database-pool-size', '0'], {}, /database pool size/],
    [['--database-url', 'mysql://x'], {}, /sqlite:<path>/],
    [['--colour'], {}, /Unknown option/],
  ])('rejects %j %j', (argv, env, message) => {
    expect(() => loadConfig(argv, env, '/')).toThrow(ConfigError);
    expect(() => loadConfig(argv, env, '/')).toThrow(message);
  });

  it('recognises --help', () => {
    expect(loadConfig(['--help'], {}, '/')).toBe('help');
  });
});
