import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceRef, StoredEnvelope } from '../../src/store/records.js';
import type { RelayStore } from '../../src/store/relay-store.js';
import { MailboxStream } from '../../src/ws/mailbox-stream.js';

const device: DeviceRef = { rowId: 1, accountId: 'a', deviceId: 1 };

const entry = (serverId: number, previousServerId?: number): StoredEnvelope => ({
  serverId,
  previousServerId,
  destination: device,
  sourceAccountId: 'b',
  sourceDeviceId: 1,
  clientId: `c${serverId}`,
  type: 1,
  serverTimestamp: 0,
  content: new Uint8Array([serverId]),
});

/**
 * Decision 0161: with several relay processes, an entry committed by another process can reach
 * this socket after a later one committed here. The stream must then read the database instead
 * of pushing the later one and moving its cursor past the earlier one. The store here is an
 * in-memory mailbox (only readMailbox is used): the rule under test is the stream's, and a real
 * race between two processes' commits cannot be staged deterministically.
 */
describe('MailboxStream with entries from other relay processes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  function setUp(initial: number[]) {
    const mailbox = initial.map((id) => entry(id));
    const pushed: number[] = [];
    let reads = 0;
    let readDone: () => void = () => undefined;
    const store = {
      readMailbox: (_device: DeviceRef, after: number, limit: number) => {
        reads++;
        const page = mailbox.filter((e) => e.serverId > after).slice(0, limit);
        queueMicrotask(() => readDone());
        return Promise.resolve(page);
      },
    } as unknown as RelayStore;
    let drained: () => void = () => undefined;
    const drainedOnce = new Promise<void>((resolve) => (drained = resolve));
    const stream = new MailboxStream(
      device,
      store,
      (e) => pushed.push(e.serverId),
      () => drained(),
      (error) => {
        throw error;
      },
    );
    const nextRead = () => new Promise<void>((resolve) => (readDone = resolve));
    return { mailbox, pushed, stream, drainedOnce, nextRead, reads: () => reads };
  }

  it('reads the database when an offered entry follows one it has not pushed', async () => {
    const t = setUp([1, 2, 3]);
    t.stream.start();
    await t.drainedOnce;
    expect(t.pushed).toEqual([1, 2, 3]);

    // 5 was committed by another process (its push still on its way), then 6 here.
    t.mailbox.push(entry(5, 3), entry(6, 5));
    const read = t.nextRead();
    t.stream.offer(entry(6, 5));
    await read;
    await Promise.resolve();
    expect(t.pushed).toEqual([1, 2, 3, 5, 6]);

    // The late push of 5 changes nothing: it was read from the database.
    t.stream.offer(entry(5, 3));
    expect(t.pushed).toEqual([1, 2, 3, 5, 6]);
  });

  it('never pushes an offered entry whose time to live ran out on its way (injected clock)', async () => {
    const t = setUp([1]);
    t.stream.start();
    await t.drainedOnce;
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.now();
    // 2 lapsed while routed (the database read skips it, as the store's reads do); 3 is alive.
    const lapsed = { ...entry(2, 1), expiresAt: now };
    const alive = { ...entry(3, 2), expiresAt: now + 1 };
    t.mailbox.push(alive);
    const read = t.nextRead();
    t.stream.offer(lapsed);
    await read;
    await Promise.resolve();
    expect(t.pushed).toEqual([1, 3]);
  });

  it('pushes an entry straight from the commit when it follows the last one pushed', async () => {
    const t = setUp([1]);
    t.stream.start();
    await t.drainedOnce;
    const readsBefore = t.reads();
    t.mailbox.push(entry(4, 1));
    t.stream.offer(entry(4, 1));
    expect(t.pushed).toEqual([1, 4]);
    expect(t.reads()).toBe(readsBefore);
  });
});
