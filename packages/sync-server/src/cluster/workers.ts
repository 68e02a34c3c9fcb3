import cluster from 'node:cluster';

/** Restarts of a crashed worker per minute beyond which the primary gives up (a crash loop). */
const MAX_RESTARTS_PER_MINUTE = 10;
const MINUTE_MS = 60_000;

/**
 * `--workers N` (decision 0161): the primary process forks N relay processes that share its
 * port through Node's cluster module (the primary accepts connections and hands them out in
 * turn), restarts one that dies, and passes SIGTERM/SIGINT on. Each worker is a whole relay
 * (startRelay) joined to the others through Redis. Resolves with the exit code once all workers
 * have stopped after a signal.
 */
export function runWorkers(count: number, log: (line: string) => void): Promise<number> {
  let stopping = false;
  const restarts: number[] = [];
  for (let i = 0; i < count; i++) cluster.fork();
  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
        return;
      }
      log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - MINUTE_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        log('workers keep crashing; stopping');
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.kill('SIGTERM');
        resolve(1);
        return;
      }
      cluster.fork();
    });
    const stop = (signal: NodeJS.Signals) => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {});
      if (workers.length === 0) resolve(0);
      for (const worker of workers) worker?.process.kill(signal);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

export const isWorkersPrimary = (workers: number): boolean => workers > 1 && cluster.isPrimary;
