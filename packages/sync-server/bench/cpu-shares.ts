import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from './processes.js';

/**
 * CPU shares of the bench's processes over a window (bench:scale): which of the relays,
 * PostgreSQL, Redis and the load generator took the 2 cores. A share is CPU seconds used in
 * the window divided by the window's wall time (1.0 = one whole core).
 */

/** The process and every descendant (PostgreSQL's backends are children of the postmaster). */
export function withDescendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.split(') ')[1]!.split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    for (const [child, parent] of parentOf) if (parent === found[i]) found.push(child);
  }
  return found;
}

/** CPU seconds of each process that is still there to read. */
function cpuByPid(pids: readonly number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      seconds.set(pid, cpuSeconds(pid));
    } catch {
      // exited while we looked
    }
  }
  return seconds;
}

/**
 * Starts a window over named groups of processes; `end()` gives each group's share. Counted per
 * process present at the end (a process started within the window counts whole): a backend
 * that exits within the window loses its time to the sum (a small under-count), instead of
 * taking its earlier time away from it (which made shares negative).
 */
export function cpuWindow(groups: Record<string, () => number[]>): {
  end(): Record<string, number>;
} {
  const started = performance.now();
  const before = new Map(Object.entries(groups).map(([name, pids]) => [name, cpuByPid(pids())]));
  const used = (name: string, pids: number[]) => {
    const was = before.get(name)!;
    let total = 0;
    for (const [pid, seconds] of cpuByPid(pids))
      total += Math.max(0, seconds - (was.get(pid) ?? 0));
    return total;
  };
  return {
    end() {
      const seconds = (performance.now() - started) / 1000;
      return Object.fromEntries(
        Object.entries(groups).map(([name, pids]) => [
          name,
          Number((used(name, pids()) / seconds).toFixed(2)),
        ]),
      );
    },
  };
}
