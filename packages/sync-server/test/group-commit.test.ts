import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommitter, type CommitJob } from '../src/store/sqlite/group-commit.js';
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

  /** Jobs handed over with submit() (the send path): called back, no promise. */
  describe('submit()', () => {
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    type Settled = { name: string; durable: boolean; error?: unknown };

    function job(
      name: string,
      settled: Settled[],
      work: () => unknown = () => undefined,
    ): CommitJob {
      return {
        isolated: false,
        work,
        durable: () => void settled.push({ name, durable: true }),
        failed: (error) => void settled.push({ name, durable: false, error }),
      };
    }

    it('calls jobs back in the order they were submitted, across batches', async () => {
      open();
      const settled: Settled[] = [];
      const names: string[] = [];
      for (let turn = 0; turn < 5; turn++) {
        for (let i = 0; i < 20; i++) {
          const name = `${turn}.${i}`;
          names.push(name);
          committer.submit(job(name, settled, insert(names.length)));
        }
        await nextTurn(); // later turns queue behind a sync in flight: several batches
      }
      await committer.flush();
      expect(settled.map((s) => s.name)).toEqual(names);
      expect(settled.every((s) => s.durable)).toBe(true);
      expect(committedBatches.length).toBeGreaterThan(1);
      expect(count()).toBe(100);
      committer.close();
    });

    it('calls a job durable only after the WAL sync that follows its COMMIT', async () => {
      open();
      const observer = new Database(join(data.dir, 'commit.sqlite'), { readonly: true });
      try {
        const settled: Settled[] = [];
        committer.submit(job('a', settled, insert(1)));
        // COMMIT runs in this turn's check phase; the sync it waits for ends in a later poll
        // phase. So some turn sees the row committed and the job not yet called back.
        let sawCommittedNotDurable = false;
        while (settled.length === 0) {
          await nextTurn();
          const { n } = observer.prepare('SELECT count(*) AS n FROM t').get() as { n: number };
          if (n === 1 && settled.length === 0) sawCommittedNotDurable = true;
        }
        expect(sawCommittedNotDurable).toBe(true);
        expect(settled).toEqual([{ name: 'a', durable: true }]);
      } finally {
        observer.close();
      }
      committer.close();
    });

    it('fails only the jobs of a batch that rolls back', async () => {
      open();
      const settled: Settled[] = [];
      committer.submit(job('before', settled, insert(1)));
      await nextTurn(); // its batch is committed; its sync is in flight
      let afterSettled: () => void = () => undefined;
      const after = new Promise<void>((resolve) => (afterSettled = resolve));
      committer.submit(job('same batch', settled, insert(2)));
      committer.submit({
        ...job('failing', settled, () => {
          insert(3)();
          throw new Error('disk I/O error');
        }),
        failed: (error) => {
          settled.push({ name: 'failing', durable: false, error });
          // Submitted once its batch rolled back: the next batch, which must commit.
          const later = job('after', settled, insert(4));
          committer.submit({
            ...later,
            durable: (v) => (later.durable(v), afterSettled()),
            failed: (e) => (later.failed(e), afterSettled()),
          });
        },
      });
      await after;
      expect(settled.map((s) => [s.name, s.durable])).toEqual([
        ['before', true],
        ['same batch', false],
        ['failing', false],
        ['after', true],
      ]);
      expect(settled[1]!.error).toBe(settled[2]!.error);
      expect(count()).toBe(2); // before and after; the failed batch left nothing
      committer.close();
    });

    it('fails jobs submitted after close() at once', () => {
      open();
      committer.close();
      const settled: Settled[] = [];
      committer.submit(job('late', settled, insert(1)));
      expect(settled).toEqual([
        { name: 'late', durable: false, error: new Error('the store is closed') },
      ]);
    });
  });
});
