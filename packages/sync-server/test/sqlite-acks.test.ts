import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { DeviceRef } from '../src/store/records.js';
import { bytes, deviceKeys, ignore, storeEvents } from './support/store.js';
import { tempDataDir } from './support/relay-harness.js';

/**
 * SQLite only (vitest.config.ts): acks queue in flat arrays and one job of the next group
 * commit deletes them all (decision 0165), not a job (and a closure, and a set) per ack frame.
 */
describe('acks on SQLite', () => {
  let cleanup: () => Promise<void> = async () => undefined;
  afterEach(() => cleanup());

  it("are one job per commit, and hide and delete only the acking device's entries", async () => {
    const data = tempDataDir();
    const batches: number[] = [];
    const store = new SqliteStore(`${data.dir}/relay.db`, {
      ...storeEvents,
      committed: (_ms, jobs) => batches.push(jobs),
    });
    cleanup = async () => {
      await store.close();
      data.remove();
    };
    const account = (username: string) =>
      store.createAccount({
        username,
        identityKey: bytes(33),
        device: deviceKeys,
        secretHash: 'x',
      });
    const [alice, bob, carol] = [await account('a'), await account('b'), await account('c')];
    const send = (from: DeviceRef, to: DeviceRef, clientId: string) =>
      store.commitSend(
        { source: from, clientId, entries: [{ destination: to, type: 1, content: bytes(10) }] },
        () => bytes(1),
        ignore,
      );
    const [toBob, toBobToo, toAlice, toCarol] = await Promise.all([
      send(alice, bob, 'b0'),
      send(alice, bob, 'b1'),
      send(bob, alice, 'a0'),
      send(bob, carol, 'c0'),
    ]);
    const id = (outcome: typeof toBob) => outcome.stored[0]!.serverId;

    batches.length = 0;
    // In one turn: three devices ack, and alice also names ids of bob's and carol's mailboxes
    // (carol's before carol's own ack of it, in the same job).
    store.acknowledge(bob, [id(toBob)]);
    store.acknowledge(alice, [id(toBobToo), id(toAlice), id(toCarol)]);
    store.acknowledge(carol, [id(toCarol)]);
    // Until the commit, reads skip what each device itself acked, and only that (on SQLite a
    // read runs its query before it returns: all three run in this turn).
    const clientIds = async (device: DeviceRef) =>
      (await store.readMailbox(device, 0, 10)).map((e) => e.clientId);
    const beforeCommit = [clientIds(bob), clientIds(carol), clientIds(alice)];
    expect(await Promise.all(beforeCommit)).toEqual([['b1'], [], []]);
    await store.flush();

    // One ack job and flush()'s barrier: the acks of every device went in one job.
    expect(batches).toEqual([2]);
    expect(await clientIds(bob)).toEqual(['b1']);
    expect(await clientIds(alice)).toEqual([]);
    expect(await clientIds(carol)).toEqual([]);
    expect(store.totalMailboxEntries()).toBe(1);
  });
});
