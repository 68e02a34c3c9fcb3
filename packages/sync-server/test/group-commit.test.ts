import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../src/store/sqlite/group-commit.js';
import { tempDataDir } from './support/relay-harness.js';
import { ignore } from './support/store.js';

/** The group committer on a real SQLite file in WAL mode, as the store runs it. */
describe('GroupCommitter', () => {
  let data: ReturnType<typeof tempDataDir>;
  let db: Database.Database;
  let committer: GroupCommitter;
  const committedBatches: number[] = [];

  function open() {
    data = tempDataDir();
    const path = join(data.dir, 'commit.sqlite');
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE IF NOT EXISTS t (v INTEGER)');
    committer = new GroupCommitter(db, `${path}-wal`, {
      committed: (_ms, jobs) => committedBatches.push(jobs),
      commitFailed: ignore,
      hookFailed: ignore,
      syncFailed: ignore,
    });
  }
  const insert = (v: number) => () => void db.prepare('INSERT INTO t VALUES (?)').run(v);
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;

  afterEach(() => {
    db.close();
    data.remove();
    committedBatches.length = 0;
  });

  it('puts the writes of one turn into one transaction and resolves them once durable', async () => {
    open();
    const writes = Array.from({ length: 50 }, (_, i) => committer.run(insert(i)));
    await Promise.all(writes);
    expect(count()).toBe(50);
    expect(committedBatches).toEqual([50]);
    committer.close();
  });

  it('flush() settles when its batch rolls back', async () => {
    open();
    await committer.run(insert(1));
    const failing = committer.runInfallible(() => {
      insert(2)();
      throw new Error('disk full');
    });
    const flushed = committer.flush();
    await expect(failing).rejects.toThrow('disk full');
    await flushed;
    expect(count()).toBe(1); // the failed batch was rolled back
    committer.close();
  });

  it('flush() called during a WAL sync waits for it, and settles when the job after it fails', async () => {
    open();
    const settled: string[] = [];
    const first = committer.run(insert(1)).then(() => settled.push('first'));
    // The commit runs in the check phase before this callback; its sync cannot end before the
    // next poll phase. So both calls below are queued while the sync is in flight.
    await new Promise((resolve) => setImmediate(resolve));
    const flushed = committer.flush().then(() => settled.push('flush'));
    const failing = committer.runInfallible(() => {
      insert(2)();
      throw new Error('disk full');
    });
    await expect(failing).rejects.toThrow('disk full');
    await Promise.all([first, flushed]);
    expect(settled).toEqual(['first', 'flush']);
    expect(committedBatches).toEqual([1]); // the batch holding the barrier rolled back
    expect(count()).toBe(1);
    committer.close();
  });

  it('refuses writes after close() and fails those still queued', async () => {
    open();
    await committer.flush();
    const queued = committer.run(insert(1)); // queued for the end of this turn
    committer.close();
    await expect(queued).rejects.toThrow('the store is closed');
    await expect(committer.run(insert(2))).rejects.toThrow('the store is closed');
    expect(count()).toBe(0);
  });
});
