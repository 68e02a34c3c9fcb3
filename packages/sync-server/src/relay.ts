import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { Authenticator } from './auth/authenticator.js';
import { openBlobs } from './blobs/open-blobs.js';
import { databaseKind, defaultConfig, redact, sqlitePath, type RelayConfig } from './config.js';
import { joinCluster, newProcessId } from './cluster/join-cluster.js';
import type { RedisClusterLink } from './cluster/redis-link.js';
import { createHttpApp } from './http/http-app.js';
import { AbuseLimits, inProcessLimiters, redisLimiters } from './limits/abuse-limits.js';
import { Mailboxes } from './mailbox/mailboxes.js';
import { OnlineDevices } from './mailbox/online-devices.js';
import { RelayMetrics } from './ops/metrics.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import type { RelayStore } from './store/relay-store.js';
import { ProvisioningChannel } from './provisioning/provisioning-channel.js';
import { ProfileStore } from './profiles/profile-store.js';
import { openPush } from './push/open-push.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { SocketServer } from './ws/socket-server.js';
import { LastActive } from './ws/last-active.js';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/**
 * Entries with a time to live (call signals: at most MAX_SEND_TTL_SECONDS) are deleted this
 * often once lapsed; reads skip them meanwhile, so this only bounds the space they hold.
 */
const LAPSED_SWEEP_INTERVAL_MS = 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface Relay {
  /** The bound port (useful with port 0). */
  readonly port: number;
  readonly url: string;
  /** Graceful shutdown: refuses new work, commits everything in flight, closes sockets and the database. */
  close(): Promise<void>;
  /**
   * Settles with the error if storage fails beyond repair (a WAL sync failed): the relay then
   * refuses every write, and its process should stop so a restart recovers from the WAL.
   */
  readonly fatal: Promise<Error>;
  /** Sockets paused for not reading, the largest socket queue, the push budget in use. */
  backpressure(): ReturnType<SocketServer['backpressure']>;
  /**
   * Resolves once the idempotency records of every device removed so far are gone (they are
   * purged in the background after a removal, decision 0156): for tests.
   */
  purgeRemovedDevices(): Promise<void>;
}

/** Opens the store, starts HTTP and WebSocket on one port, and returns once it is listening. */
export async function startRelay(config: RelayConfig, logger?: Logger): Promise<Relay> {
  const log = logger ?? pino({ level: config.logLevel, base: { service: 'parley-relay' } });
  let reportFatal!: (error: Error) => void;
  const fatal = new Promise<Error>((resolve) => (reportFatal = resolve));
  // The depth gauge reads the store only when scraped, after both exist.
  const metrics = new RelayMetrics(() => store.totalMailboxEntries());
  // Set once Redis is joined (decision 0161); the store's change events go to the other processes.
  let cluster: RedisClusterLink | undefined;
  const commitEvents = {
    committed: (ms: number, jobs: number) => {
      metrics.commitSeconds.observe(ms / 1000);
      metrics.commitJobs.observe(jobs);
    },
    commitFailed: (error: unknown) =>
      log.error({ err: error }, 'group commit failed; its writes were rejected'),
    hookFailed: (error: unknown) => log.error({ err: error }, 'post-commit delivery failed'),
    purgeFailed: (error: unknown) =>
      log.warn({ err: error }, 'purging the sends of removed devices failed; resumed later'),
    deviceSetChanged: (accountId: string) => cluster?.devicesChanged(accountId),
  };
  const pgStore =
    databaseKind(config.databaseUrl) === 'postgres'
      ? await PostgresStore.open(
          config.databaseUrl,
          {
            ...commitEvents,
            connectionFailed: (error) => log.warn({ err: error }, 'database connection failed'),
          },
          { poolSize: config.databasePoolSize },
        )
      : undefined;
  const store: RelayStore & { mailboxCap: number } =
    pgStore ??
    new SqliteStore(sqlitePath(config.databaseUrl), {
      ...commitEvents,
      syncFailed: (error) => {
        log.fatal({ err: error }, 'WAL sync failed; refusing all writes');
        reportFatal(error instanceof Error ? error : new Error(String(error)));
      },
      checkpointFailed: (error) => log.warn({ err: error }, 'WAL checkpoint failed'),
    });
  store.mailboxCap = config.mailboxCap;
  const processId = newProcessId();
  const online = new OnlineDevices(processId);
  const provisioning = new ProvisioningChannel();
  if (config.redisUrl && pgStore) {
    try {
      cluster = await joinCluster(
        config.redisUrl,
        config.redisPrefix,
        processId,
        { online, store: pgStore, provisioning },
        log,
      );
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const limits = new AbuseLimits(
    config.rateLimits,
    config.maxConnectionsPerAddress,
    config.maxDevicesPerAccount,
    cluster
      ? redisLimiters(
          cluster.scripts,
          config.redisPrefix,
          onceEvery(10_000, (error) =>
            log.warn({ err: error }, 'redis unreachable: rate limits judged by this process alone'),
          ),
        )
      : inProcessLimiters,
  );
  const authenticator = new Authenticator(store, limits);
  const push = await openPush(
    config.push ?? defaultConfig.push,
    config.databaseUrl,
    config.dataDir,
    (rowIds) => online.present(rowIds),
    log,
    (outcome) => metrics.pushes.inc({ outcome }),
  );
  const mailboxes = new Mailboxes(store, online, metrics, push.wakeUps);
  const blobs = await openBlobs(
    config.databaseUrl,
    config.dataDir,
    config.blobs ?? defaultConfig.blobs,
  );
  const profiles = ProfileStore.open(config.databaseUrl);
  let state: 'starting' | 'ready' | 'closing' = 'starting';
  const now = config.now ?? Date.now;
  const provisioningSweep = setInterval(() => provisioning.sweep(), 30_000).unref();

  const app = createHttpApp(
    { store, authenticator, online, limits, metrics, blobs, provisioning, profiles, now },
    metrics,
    () => state === 'ready',
    log,
    { webRoot: config.webRoot, metricsToken: config.metricsToken, push, ice: config.ice },
  );
  const sockets = new SocketServer(
    app.server,
    {
      store,
      authenticator,
      mailboxes,
      online,
      metrics,
      logger: log,
      limits,
      lastActive: new LastActive(store, now, (error) =>
        log.warn({ err: error }, 'recording last activity failed'),
      ),
      isClosing: () => state === 'closing',
    },
    provisioning,
  );

  // One sweep at a time; shutdown stops it between chunks and waits for the chunk in progress.
  let sweeping: Promise<unknown> | undefined;
  const prune = () => {
    if (sweeping) return;
    sweeping = store
      .pruneExpired(now() - config.retentionDays * DAY_MS, () => state === 'closing')
      .then((deleted) => deleted > 0 && log.info({ deleted }, 'expired mailbox entries deleted'))
      .catch((error: unknown) => log.error({ err: error }, 'retention sweep failed'))
      .finally(() => (sweeping = undefined));
  };
  let sweepingLapsed: Promise<unknown> | undefined;
  const pruneLapsed = () => {
    if (sweepingLapsed) return;
    sweepingLapsed = store
      .pruneLapsed(now(), () => state === 'closing')
      .then((deleted) => deleted > 0 && log.debug({ deleted }, 'lapsed mailbox entries deleted'))
      .catch((error: unknown) => log.error({ err: error }, 'lapsed entry sweep failed'))
      .finally(() => (sweepingLapsed = undefined));
  };
  const lapsedTimer = setInterval(pruneLapsed, LAPSED_SWEEP_INTERVAL_MS).unref();
  let sweepingBlobs: Promise<unknown> | undefined;
  const sweepBlobs = () => {
    if (sweepingBlobs) return;
    sweepingBlobs = blobs
      .sweepExpired(() => state === 'closing')
      .then((deleted) => deleted > 0 && log.info({ deleted }, 'expired blobs deleted'))
      .catch((error: unknown) => log.error({ err: error }, 'blob sweep failed'))
      .finally(() => (sweepingBlobs = undefined));
  };
  prune();
  sweepBlobs();
  const pruneTimer = setInterval(() => {
    prune();
    sweepBlobs();
  }, PRUNE_INTERVAL_MS).unref();

  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  state = 'ready';
  // The pid tells the processes of one `--workers` port apart in the log.
  log.info(
    { host: config.host, port, pid: process.pid, database: redact(config.databaseUrl) },
    'relay listening',
  );

  return {
    port,
    fatal,
    backpressure: () => sockets.backpressure(),
    purgeRemovedDevices: () => store.purgeRemovedDevices(),
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    async close() {
      if (state === 'closing') return;
      state = 'closing';
      clearInterval(pruneTimer);
      clearInterval(lapsedTimer);
      clearInterval(provisioningSweep);
      await sweeping;
      await sweepingLapsed;
      await sweepingBlobs;
      // Sends already accepted get their commit and their response before sockets close.
      await store.flush();
      await new Promise((resolve) => setImmediate(resolve));
      sockets.closeAll(1001, 'relay shutting down');
      await app.close();
      cluster?.close();
      await push.close();
      await blobs.index.close();
      await profiles.close();
      await store.close();
      log.info('relay stopped');
    },
  };
}

/** `report`, called at most once per `ms` (a Redis outage fails every check of every send). */
function onceEvery(ms: number, report: (error: unknown) => void): (error: unknown) => void {
  let last = -Infinity;
  return (error) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    report(error);
  };
}
