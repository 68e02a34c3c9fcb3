import type { GroupCommitter } from './group-commit.js';
import type { Prepared } from './prepared.js';

/** Rows looked at per retention job: a few milliseconds of work. */
const CHUNK = 1000;

export interface SweepOptions {
  /** Rows stamped before this (ms since epoch) are deleted. */
  cutoff: number;
  /** Checked before each chunk: shutdown stops the sweep between jobs. */
  shouldStop: () => boolean;
  /** Called inside the job that deleted `n` rows (to keep in-memory counts current). */
  onDeleted?: (n: number) => void;
}

/**
 * Walks a table from its old end in chunks of CHUNK rows, each chunk its own group-commit job
 * (so a sweep over a large backlog never holds the event loop for long), deleting the expired
 * rows of each. It stops at the first chunk holding a row that is young by the clock
 * (cutoff <= time <= now): rows are appended in time order. Rows stamped in the future (a clock
 * that was ahead) are kept and stepped over, so they cannot stall the sweep. `rowsAfter` lists
 * rows as `{ n: insertion order, at: time }`; `deleteRow` deletes one by `n`. Resolves with the
 * rows deleted.
 */
export async function sweepOldRows(
  committer: GroupCommitter,
  rowsAfter: Prepared<'after' | 'limit'>,
  deleteRow: Prepared<'n'>,
  { cutoff, shouldStop, onDeleted }: SweepOptions,
): Promise<number> {
  let after = 0;
  let deleted = 0;
  let done = false;
  while (!done && !shouldStop()) {
    deleted += await committer.run(() => {
      const rows = rowsAfter.all<{ n: number; at: number }>({ after, limit: CHUNK });
      const now = Date.now();
      done = rows.length < CHUNK || rows.some((r) => r.at >= cutoff && r.at <= now);
      after = rows.at(-1)?.n ?? after;
      let n = 0;
      for (const row of rows) if (row.at < cutoff) n += deleteRow.run({ n: row.n });
      if (n > 0) onDeleted?.(n);
      return n;
    });
  }
  return deleted;
}
