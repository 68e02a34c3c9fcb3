/**
 * What bench:e2e and bench:floor measure the same way: the clock every thread of the process
 * shares, a thread's CPU time and wake-ups, percentiles, and the machine's load.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Milliseconds on the clock every thread of this process shares. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface ThreadUsage {
  ms: number;
  /**
   * Voluntary context switches: each is a sleep and a wake-up, which costs this VM 70-150 µs of
   * CPU (a bare 4 ms timer loop in Node: 0.15 ms per tick), so their count per message matters
   * as much as the work done while awake.
   */
  wakeups: number;
}

/** utime + stime of the calling thread in ms (clock ticks of 10 ms), and its voluntary switches. */
export function threadUsage(): ThreadUsage {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync('/proc/thread-self/status', 'utf8');
    const switches = /^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1];
    return {
      ms: (Number(fields[11]) + Number(fields[12])) * 10,
      wakeups: Number(switches ?? Number.NaN),
    };
  } catch {
    return { ms: Number.NaN, wakeups: Number.NaN };
  }
}

/** The p-th percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The machine's load averages, printed with the figures: they depend on what else runs. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}
