import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker copies the WAL back into the database file. */
const INTERVAL_MS = 100;

/**
 * The worker's code, evaluated as a CommonJS script (so it loads the same way from src/ under
 * Vitest and from dist/). It opens its own connection and runs PASSIVE checkpoints: they never
 * block the relay's writer, and their fsyncs of the database file happen on this thread.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error)); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints of the WAL on a worker thread (docs/decisions/0150-wal-checkpoints-off-the-event-loop.md).
 * The relay's own connection runs with wal_autocheckpoint=0: otherwise the COMMIT that crosses
 * the WAL's size limit copies pages and fsyncs the database on the event loop.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, onError: (error: unknown) => void) {
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        intervalMs: INTERVAL_MS,
      },
    });
    this.worker.on('message', (message: string) => onError(new Error(message)));
    this.worker.on('error', onError);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.unref();
  }

  /** Stops checkpointing and closes the worker's connection (before the relay closes its own). */
  async stop(): Promise<void> {
    // Unref'd so it never keeps a running relay alive; while stopping it must, or a process with
    // nothing else left exits before the worker does and the relay's close never completes.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
