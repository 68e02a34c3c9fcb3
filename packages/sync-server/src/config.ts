import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BLOB_EXPIRY_DAYS,
  BLOB_QUOTA_BYTES_PER_ACCOUNT,
  MAX_BLOB_BYTES,
  MAX_CONNECTIONS_PER_ADDRESS,
  MAX_DEVICES_PER_ACCOUNT,
  RATE_LIMITS,
  type RateLimit,
} from '@parley/protocol';

/** Everything the relay needs to start; built from flags, then PARLEY_* variables, then defaults. */
export interface RelayConfig {
  host: string;
  port: number;
  dataDir: string;
  /** `sqlite:<absolute path>` or `postgres://...` (see parseDatabaseUrl). */
  databaseUrl: string;
  /** Connections in the PostgreSQL pool (unused on SQLite). */
  databasePoolSize: number;
  retentionDays: number;
  mailboxCap: number;
  logLevel: string;
  /** Optional: a directory with the built web app (apps/web/dist), served on the relay's origin. */
  webRoot?: string;
  /** Token buckets of the abuse limits (src/limits/); protocol's RATE_LIMITS by default. */
  rateLimits: RateLimits;
  /** Open WebSockets one client address may hold. */
  maxConnectionsPerAddress: number;
  /** Devices one account may have. */
  maxDevicesPerAccount: number;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; otherwise only loopback may read it. */
  metricsToken?: string;
  /** Optional: Redis for presence and routing between relay processes (decision 0161). */
  redisUrl?: string;
  /** Prefix of this deployment's Redis keys and channels. */
  redisPrefix: string;
  /** Relay processes sharing the port on this host (Node's cluster module). */
  workers: number;
  /** Blob cap, quota and expiry (src/blobs/); protocol's constants when absent. */
  blobs?: BlobLimits;
  /** Web Push (src/push/): VAPID subject and keys; the keys default to `<dataDir>/vapid-keys.json`. */
  push?: PushConfig;
  /** STUN/TURN servers handed to devices for calls (src/calls/); none when absent. */
  ice?: IceConfig;
  /** The relay's clock for devices' last activity and link tokens; tests inject one. */
  now?: () => number;
}

export type { IceConfig } from './calls/ice-config.js';
import {
  DEFAULT_TURN_TTL_SECONDS,
  MIN_TURN_SECRET_LENGTH,
  parseIceUrls,
  type IceConfig,
} from './calls/ice-config.js';

export type { PushConfig } from './push/open-push.js';
import type { PushConfig } from './push/open-push.js';

export type { BlobLimits } from './blobs/blob-service.js';
import type { BlobLimits } from './blobs/blob-service.js';

export type RateLimitName = keyof typeof RATE_LIMITS;
export type RateLimits = Record<RateLimitName, RateLimit>;

/** Every limit lifted: for benches that measure throughput, never for a deployment. */
export const noRateLimits: RateLimits = Object.fromEntries(
  Object.keys(RATE_LIMITS).map((name) => [name, { burst: Infinity, perSecond: Infinity }]),
) as unknown as RateLimits;

export const defaultConfig = {
  host: '127.0.0.1',
  port: 8787,
  dataDir: './data',
  retentionDays: 30,
  mailboxCap: 10_000,
  databasePoolSize: 10,
  logLevel: 'info',
  rateLimits: RATE_LIMITS as RateLimits,
  maxConnectionsPerAddress: MAX_CONNECTIONS_PER_ADDRESS,
  maxDevicesPerAccount: MAX_DEVICES_PER_ACCOUNT,
  redisPrefix: 'parley',
  workers: 1,
  blobs: {
    maxBytes: MAX_BLOB_BYTES,
    quotaBytes: BLOB_QUOTA_BYTES_PER_ACCOUNT,
    expiryDays: BLOB_EXPIRY_DAYS,
  },
  push: { subject: 'mailto:parley-relay@localhost' },
} as const;

/** Most relay processes one `--workers` starts. */
const MAX_WORKERS = 64;

export const usage = `Usage: parley-relay [options]

Options (each also read from the environment variable in brackets):
  --host <addr>            interface to listen on [PARLEY_HOST] (default ${defaultConfig.host})
  --port <n>               TCP port, 0 = any free port [PARLEY_PORT] (default ${defaultConfig.port})
  --data-dir <dir>         where the SQLite database lives [PARLEY_DATA_DIR] (default ${defaultConfig.dataDir})
  --database-url <url>     sqlite:<path> or postgres://user@host:port/db [PARLEY_DATABASE_URL] (default sqlite:<data-dir>/relay.sqlite)
  --database-pool-size <n> PostgreSQL connections [PARLEY_DATABASE_POOL_SIZE] (default ${defaultConfig.databasePoolSize})
  --retention-days <n>     delete mailbox entries older than this [PARLEY_RETENTION_DAYS] (default ${defaultConfig.retentionDays})
  --mailbox-cap <n>        most entries one device's mailbox holds [PARLEY_MAILBOX_CAP] (default ${defaultConfig.mailboxCap})
  --log-level <level>      fatal|error|warn|info|debug|trace|silent [PARLEY_LOG_LEVEL] (default ${defaultConfig.logLevel})
  --web-root <dir>         also serve the built web app from this directory [PARLEY_WEB_ROOT] (default: none)
  --rate-limits <json|off> override rate limits, e.g. '{"sendsPerDevice":{"burst":100,"perSecond":20}}'
                           (names and defaults: RATE_LIMITS in packages/protocol/src/relay-limits.ts);
                           "off" lifts them all, for benchmarks only [PARLEY_RATE_LIMITS]
  --max-connections-per-address <n>  open WebSockets per client address [PARLEY_MAX_CONNECTIONS_PER_ADDRESS] (default ${defaultConfig.maxConnectionsPerAddress})
  --max-devices-per-account <n>      devices per account [PARLEY_MAX_DEVICES_PER_ACCOUNT] (default ${defaultConfig.maxDevicesPerAccount})
  --metrics-token <token>  GET /metrics requires "Authorization: Bearer <token>"; without it /metrics
                           answers loopback clients only [PARLEY_METRICS_TOKEN]
  --redis-url <url>        redis://host:port: presence and routing between relay processes; needs a
                           postgres:// database [PARLEY_REDIS_URL] (default: none, one process)
  --redis-prefix <name>    prefix of Redis keys and channels [PARLEY_REDIS_PREFIX] (default ${defaultConfig.redisPrefix})
  --workers <n>            relay processes sharing this port; n > 1 needs --redis-url
                           [PARLEY_WORKERS] (default ${defaultConfig.workers})
  --blob-max-bytes <n>     largest blob (ciphertext bytes) [PARLEY_BLOB_MAX_BYTES] (default ${defaultConfig.blobs.maxBytes})
  --blob-quota-bytes <n>   blob bytes one account may hold [PARLEY_BLOB_QUOTA_BYTES] (default ${defaultConfig.blobs.quotaBytes})
  --blob-expiry-days <n>   days until a blob is deleted [PARLEY_BLOB_EXPIRY_DAYS] (default ${defaultConfig.blobs.expiryDays})
  --vapid-subject <uri>    mailto: or https: contact sent to push services in the VAPID token
                           [PARLEY_VAPID_SUBJECT] (default ${defaultConfig.push.subject})
  VAPID keys (Web Push) come from PARLEY_VAPID_PUBLIC_KEY and PARLEY_VAPID_PRIVATE_KEY (both, base64url,
  e.g. from \`npx web-push generate-vapid-keys\`); without them the relay generates a pair on first
  start and keeps it in <data-dir>/vapid-keys.json
  --stun-urls <list>       comma-separated stun: URLs handed to devices for calls [PARLEY_STUN_URLS]
  --turn-urls <list>       comma-separated turn:/turns: URLs (coturn) [PARLEY_TURN_URLS]
  --turn-ttl-seconds <n>   lifetime of TURN credentials [PARLEY_TURN_TTL_SECONDS] (default ${DEFAULT_TURN_TTL_SECONDS})
  --ice-transport-policy <all|relay>  relay: every call goes through TURN, so peers never learn
                           each other's IP addresses [PARLEY_ICE_TRANSPORT_POLICY] (default all)
  The TURN shared secret (coturn's static-auth-secret, at least ${MIN_TURN_SECRET_LENGTH} characters) comes
  from PARLEY_TURN_SECRET only, never a flag (flags show in the process list); --turn-urls needs it
  --help                   print this text
`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Parses and validates flags and environment. Throws ConfigError with a message naming the bad
 * setting, so a typo never starts a relay on a surprising port or database.
 */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): RelayConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'database-url': { type: 'string' },
        'database-pool-size': { type: 'string' },
        'retention-days': { type: 'string' },
        'mailbox-cap': { type: 'string' },
        'log-level': { type: 'string' },
        'web-root': { type: 'string' },
        'rate-limits': { type: 'string' },
        'max-connections-per-address': { type: 'string' },
        'max-devices-per-account': { type: 'string' },
        'metrics-token': { type: 'string' },
        'redis-url': { type: 'string' },
        'redis-prefix': { type: 'string' },
        workers: { type: 'string' },
        'blob-max-bytes': { type: 'string' },
        'blob-quota-bytes': { type: 'string' },
        'blob-expiry-days': { type: 'string' },
        'vapid-subject': { type: 'string' },
        'stun-urls': { type: 'string' },
        'turn-urls': { type: 'string' },
        'turn-ttl-seconds': { type: 'string' },
        'ice-transport-policy': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return 'help';

  const pick = (flag: string | undefined, envName: string): string | undefined => {
    const fromEnv = env[envName];
    return flag ?? (fromEnv === '' ? undefined : fromEnv);
  };
  const dataDir = absolute(
    pick(values['data-dir'], 'PARLEY_DATA_DIR') ?? defaultConfig.dataDir,
    cwd,
  );
  const databaseUrl = parseDatabaseUrl(
    pick(values['database-url'], 'PARLEY_DATABASE_URL') ?? `sqlite:${dataDir}/relay.sqlite`,
    cwd,
  );
  const logLevel = pick(values['log-level'], 'PARLEY_LOG_LEVEL') ?? defaultConfig.logLevel;
  const webRoot = pick(values['web-root'], 'PARLEY_WEB_ROOT');
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`log level must be one of ${logLevels.join(', ')}, got "${logLevel}"`);
  }
  const redisUrl = pick(values['redis-url'], 'PARLEY_REDIS_URL');
  const redisPrefix =
    pick(values['redis-prefix'], 'PARLEY_REDIS_PREFIX') ?? defaultConfig.redisPrefix;
  const workers = integer(
    pick(values.workers, 'PARLEY_WORKERS'),
    'workers',
    defaultConfig.workers,
    1,
    MAX_WORKERS,
  );
  checkScaleOut(databaseUrl, redisUrl, redisPrefix, workers);
  return {
    redisUrl,
    redisPrefix,
    workers,
    host: pick(values.host, 'PARLEY_HOST') ?? defaultConfig.host,
    port: integer(pick(values.port, 'PARLEY_PORT'), 'port', defaultConfig.port, 0, 65_535),
    dataDir,
    databaseUrl,
    databasePoolSize: integer(
      pick(values['database-pool-size'], 'PARLEY_DATABASE_POOL_SIZE'),
      'database pool size',
      defaultConfig.databasePoolSize,
      1,
      1000,
    ),
    retentionDays: integer(
      pick(values['retention-days'], 'PARLEY_RETENTION_DAYS'),
      'retention days',
      defaultConfig.retentionDays,
      1,
      3650,
    ),
    mailboxCap: integer(
      pick(values['mailbox-cap'], 'PARLEY_MAILBOX_CAP'),
      'mailbox cap',
      defaultConfig.mailboxCap,
      1,
      10_000_000,
    ),
    logLevel,
    webRoot: webRoot === undefined ? undefined : absolute(webRoot, cwd),
    rateLimits: parseRateLimits(pick(values['rate-limits'], 'PARLEY_RATE_LIMITS')),
    maxConnectionsPerAddress: integer(
      pick(values['max-connections-per-address'], 'PARLEY_MAX_CONNECTIONS_PER_ADDRESS'),
      'max connections per address',
      defaultConfig.maxConnectionsPerAddress,
      1,
      1_000_000,
    ),
    maxDevicesPerAccount: integer(
      pick(values['max-devices-per-account'], 'PARLEY_MAX_DEVICES_PER_ACCOUNT'),
      'max devices per account',
      defaultConfig.maxDevicesPerAccount,
      1,
      1000,
    ),
    metricsToken: metricsToken(pick(values['metrics-token'], 'PARLEY_METRICS_TOKEN')),
    push: pushConfig(pick(values['vapid-subject'], 'PARLEY_VAPID_SUBJECT'), env),
    ice: iceConfig(
      pick(values['stun-urls'], 'PARLEY_STUN_URLS'),
      pick(values['turn-urls'], 'PARLEY_TURN_URLS'),
      integer(
        pick(values['turn-ttl-seconds'], 'PARLEY_TURN_TTL_SECONDS'),
        'turn ttl seconds',
        DEFAULT_TURN_TTL_SECONDS,
        1,
        7 * 24 * 3600,
      ),
      env.PARLEY_TURN_SECRET || undefined,
      pick(values['ice-transport-policy'], 'PARLEY_ICE_TRANSPORT_POLICY'),
    ),
    blobs: {
      maxBytes: integer(
        pick(values['blob-max-bytes'], 'PARLEY_BLOB_MAX_BYTES'),
        'blob max bytes',
        defaultConfig.blobs.maxBytes,
        1,
        Number.MAX_SAFE_INTEGER,
      ),
      quotaBytes: integer(
        pick(values['blob-quota-bytes'], 'PARLEY_BLOB_QUOTA_BYTES'),
        'blob quota bytes',
        defaultConfig.blobs.quotaBytes,
        1,
        Number.MAX_SAFE_INTEGER,
      ),
      expiryDays: integer(
        pick(values['blob-expiry-days'], 'PARLEY_BLOB_EXPIRY_DAYS'),
        'blob expiry days',
        defaultConfig.blobs.expiryDays,
        1,
        3650,
      ),
    },
  };
}

/** `off`, or a JSON object overriding some of RATE_LIMITS by name, each `{burst, perSecond}`. */
function parseRateLimits(raw: string | undefined): RateLimits {
  if (raw === undefined) return defaultConfig.rateLimits;
  if (raw === 'off') return noRateLimits;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`rate limits must be "off" or a JSON object, got "${raw}"`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('rate limits must be a JSON object');
  }
  const limits: RateLimits = { ...defaultConfig.rateLimits };
  for (const [name, value] of Object.entries(parsed)) {
    if (!(name in limits)) throw new ConfigError(`unknown rate limit "${name}"`);
    const { burst, perSecond, ...rest } = (value ?? {}) as Record<string, unknown>;
    if (
      Object.keys(rest).length > 0 ||
      typeof burst !== 'number' ||
      typeof perSecond !== 'number' ||
      !(burst >= 1) ||
      !(perSecond > 0)
    ) {
      throw new ConfigError(`rate limit "${name}" must be {"burst": >= 1, "perSecond": > 0}`);
    }
    limits[name as RateLimitName] = { burst, perSecond };
  }
  return limits;
}

/** The VAPID subject (RFC 8292 §2.1) and, when configured, the key pair (both halves or neither). */
function pushConfig(subject: string | undefined, env: NodeJS.ProcessEnv): PushConfig {
  const chosen = subject ?? defaultConfig.push.subject;
  if (!/^(mailto:\S+@\S+|https:\/\/\S+)$/.test(chosen)) {
    throw new ConfigError(`VAPID subject must be a mailto: or https: URI, got "${chosen}"`);
  }
  const publicKey = env.PARLEY_VAPID_PUBLIC_KEY || undefined;
  const privateKey = env.PARLEY_VAPID_PRIVATE_KEY || undefined;
  if ((publicKey === undefined) !== (privateKey === undefined)) {
    throw new ConfigError(
      'set both PARLEY_VAPID_PUBLIC_KEY and PARLEY_VAPID_PRIVATE_KEY, or neither',
    );
  }
  if (publicKey === undefined || privateKey === undefined) return { subject: chosen };
  // P-256: a 65-byte uncompressed public point and a 32-byte private scalar, unpadded base64url.
  if (!/^[A-Za-z0-9_-]{87}$/.test(publicKey) || !/^[A-Za-z0-9_-]{43}$/.test(privateKey)) {
    throw new ConfigError('VAPID keys must be a P-256 key pair in unpadded base64url');
  }
  return { subject: chosen, vapid: { publicKey, privateKey } };
}

/** STUN and TURN for calls; TURN only with a secret long enough to resist offline guessing. */
function iceConfig(
  stun: string | undefined,
  turn: string | undefined,
  turnTtlSeconds: number,
  turnSecret: string | undefined,
  policy: string | undefined,
): IceConfig {
  const fail = (message: string): never => {
    throw new ConfigError(message);
  };
  if (policy !== undefined && policy !== 'all' && policy !== 'relay')
    fail(`ICE transport policy must be "all" or "relay", got "${policy}"`);
  const turnUrls = parseIceUrls(turn, 'turn', fail);
  if (turnUrls.length > 0 && (turnSecret?.length ?? 0) < MIN_TURN_SECRET_LENGTH) {
    fail(`--turn-urls needs PARLEY_TURN_SECRET of at least ${MIN_TURN_SECRET_LENGTH} characters`);
  }
  if (policy === 'relay' && turnUrls.length === 0)
    fail('ICE transport policy "relay" needs --turn-urls');
  return {
    stunUrls: parseIceUrls(stun, 'stun', fail),
    turnUrls,
    turnSecret,
    turnTtlSeconds,
    ...(policy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {}),
  };
}

/** A bearer token worth the name: at least 16 characters, no whitespace. */
function metricsToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^\S{16,}$/.test(raw)) {
    throw new ConfigError('metrics token must be at least 16 characters without spaces');
  }
  return raw;
}

/** Several processes need a shared database and Redis between them (decision 0161). */
function checkScaleOut(
  databaseUrl: string,
  redisUrl: string | undefined,
  redisPrefix: string,
  workers: number,
): void {
  if (redisUrl !== undefined) {
    if (!/^rediss?:\/\/[^/]/.test(redisUrl)) {
      throw new ConfigError(
        `redis URL must look like redis://host:port, got "${redact(redisUrl)}"`,
      );
    }
    if (databaseKind(databaseUrl) !== 'postgres') {
      throw new ConfigError(
        '--redis-url needs a postgres:// database shared by the relay processes',
      );
    }
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(redisPrefix)) {
    throw new ConfigError(
      `redis prefix must be 1 to 64 letters, digits, - or _, got "${redisPrefix}"`,
    );
  }
  if (workers > 1 && redisUrl === undefined) {
    throw new ConfigError('--workers above 1 needs --redis-url (and a postgres:// database)');
  }
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function integer(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/**
 * Accepts `sqlite:<path>` (relative paths resolve against the working directory) and
 * `postgres://` / `postgresql://` URLs naming a host and a database (user, password, port and
 * libpq-style query parameters such as `sslmode` or `options` pass through to `pg`).
 */
function parseDatabaseUrl(url: string, cwd: string): string {
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(url);
  if (match?.[1]) return `sqlite:${absolute(match[1], cwd)}`;
  if (/^postgres(ql)?:/.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`database URL is not a valid URL: "${redact(url)}"`);
    }
    if (!/^postgres(ql)?:$/.test(parsed.protocol) || !parsed.hostname) {
      throw new ConfigError(
        `database URL must look like postgres://user@host:port/database, got "${redact(url)}"`,
      );
    }
    if (parsed.pathname.length <= 1 || parsed.pathname.slice(1).includes('/')) {
      throw new ConfigError(`database URL must name one database, got "${redact(url)}"`);
    }
    return url;
  }
  throw new ConfigError(
    `database URL must look like sqlite:<path> or postgres://host/database, got "${redact(url)}"`,
  );
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

export type DatabaseKind = 'sqlite' | 'postgres';

/** Which store a validated database URL names. */
export function databaseKind(databaseUrl: string): DatabaseKind {
  return databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/** The SQLite file named by a validated database URL. */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.slice('sqlite:'.length);
}
