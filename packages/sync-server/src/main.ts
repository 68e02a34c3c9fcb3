#!/usr/bin/env node
import { pino } from 'pino';
import { ConfigError, loadConfig, usage, type RelayConfig } from './config.js';
import { isWorkersPrimary, runWorkers } from './cluster/workers.js';
import { startRelay } from './relay.js';

/**
 * The relay as a process: `parley-relay --port 8787 --data-dir ./data`. Relative paths resolve
 * against the directory npm was started from (INIT_CWD), so the root `npm start` keeps its
 * data in ./data at the repository root.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env, process.env.INIT_CWD ?? process.cwd());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`parley-relay: ${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (config === 'help') {
    process.stdout.write(usage);
    return;
  }
  if (isWorkersPrimary(config.workers)) {
    const code = await runWorkers(config.workers, (line) =>
      process.stderr.write(`parley-relay: ${line}\n`),
    );
    process.exit(code);
  }
  const log = pino({ level: config.logLevel, base: { service: 'parley-relay' } });
  const relay = await startRelay(config, log).catch((error: unknown) => {
    if (!isAddressInUse(error)) throw error;
    process.stderr.write(`parley-relay: ${addressInUse(config)}\n`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: closing connections and finishing writes');
    relay.close().then(
      () => {
        // The relay logged 'relay stopped'; the log is an asynchronous stream: exit once written.
        log.flush(() => process.exit(0));
      },
      (error: unknown) => {
        process.stderr.write(`parley-relay: shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  void relay.fatal.then((error) => {
    process.stderr.write(`parley-relay: storage failed, stopping: ${error.message}\n`);
    stopping = true;
    relay.close().finally(() => process.exit(1));
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function isAddressInUse(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

/** The one line a person needs when the port is taken (not a stack trace). */
function addressInUse(config: Pick<RelayConfig, 'host' | 'port'>): string {
  return (
    `port ${config.port} on ${config.host} is already in use (another relay?); ` +
    `start on another port with --port <n> or PARLEY_PORT=<n>`
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`parley-relay: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
