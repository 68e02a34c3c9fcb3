import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayClient, type RelaySocket } from '@parley/relay-client';
import { address, bytes, registerAccount, text } from './support/accounts.js';
import { spawnRelay, tempDataDir, type RelayProcess } from './support/relay-harness.js';

/** The relay as a real child process, killed and restarted on the same SQLite file. */
describe('durability across crashes and restarts', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = async (dataDir: string): Promise<{ relay: RelayProcess; client: RelayClient }> => {
    const relay = await spawnRelay(dataDir);
    cleanups.push(() => {
      relay.child.kill('SIGKILL');
    });
    return { relay, client: new RelayClient(relay.url) };
  };

  const kill = async (relay: RelayProcess) => {
    relay.child.kill('SIGKILL');
    await relay.exited;
  };

  const drainAll = async (socket: RelaySocket) => {
    await socket.drained;
    return socket.takeEnvelopes(socket.bufferedCount);
  };

  it('delivers unacked entries after a SIGKILL, and a retried send is stored once', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = await start(data.dir);
    const alice = await registerAccount(first.client, 1);
    const bob = await registerAccount(first.client, 1);
    const to = [{ destination: address(bob.devices[0]!), content: bytes('') }];

    const sender = await first.client.connect(alice.devices[0]!);
    for (let i = 0; i < 30; i++) {
      await sender.send(`m${i}`, [{ ...to[0]!, content: bytes(`message ${i}`) }]);
    }
    // Bob reads a few but acks only the first five before the crash.
    const early = await first.client.connect(bob.devices[0]!);
    const seen = await early.takeEnvelopes(10);
    early.ack(seen.slice(0, 5).map((e) => e.serverId));
    // The ack is committed once the relay's database (WAL included) no longer holds those five.
    const ackedLeft = () => {
      const db = new Database(join(data.dir, 'relay.sqlite'), { readonly: true });
      try {
        const ids = seen.slice(0, 5).map((e) => Number(e.serverId));
        return db
          .prepare(`SELECT count(*) AS n FROM mailbox WHERE server_id IN (${ids.join(',')})`)
          .get() as { n: number };
      } finally {
        db.close();
      }
    };
    await expect.poll(() => ackedLeft().n, { timeout: 30_000 }).toBe(0);
    const acked = await sender.send('acked-then-lost', [{ ...to[0]!, content: bytes('once') }]);
    // This one is in flight when the relay dies: it may or may not have been committed.
    void sender.send('in-flight', [{ ...to[0]!, content: bytes('maybe') }]).catch(() => undefined);
    await kill(first.relay);

    const second = await start(data.dir);
    const retry = await second.client.connect(alice.devices[0]!);
    // The sender never saw these answers (as far as it knows): it retries both.
    expect(await retry.send('acked-then-lost', [{ ...to[0]!, content: bytes('once') }])).toEqual(
      acked,
    );
    await retry.send('in-flight', [{ ...to[0]!, content: bytes('maybe') }]);

    const bobAgain = await second.client.connect(bob.devices[0]!);
    const delivered = await drainAll(bobAgain);
    expect(delivered.map((e) => text(e.content))).toEqual([
      ...Array.from({ length: 25 }, (_, i) => `message ${i + 5}`),
      'once',
      'maybe',
    ]);
    bobAgain.close();
    retry.close();
  });

  it('finishes in-flight commits on SIGTERM: every acked send survives, exactly once', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = await start(data.dir);
    const alice = await registerAccount(first.client, 1);
    const bob = await registerAccount(first.client, 1);
    const sender = await first.client.connect(alice.devices[0]!);

    const ackedIds: string[] = [];
    let firstAcked: () => void = () => undefined;
    const oneAcked = new Promise<void>((resolve) => (firstAcked = resolve));
    const sends = Array.from({ length: 200 }, (_, i) =>
      sender
        .send(`burst-${i}`, [{ destination: address(bob.devices[0]!), content: bytes(`${i}`) }])
        .then(() => {
          ackedIds.push(`burst-${i}`);
          firstAcked();
        })
        .catch(() => undefined),
    );
    // Stop the relay once it has answered one send, with the rest of the burst still in flight.
    await oneAcked;
    first.relay.child.kill('SIGTERM');
    expect(await first.relay.exited).toBe(0);
    await Promise.all(sends);
    expect(ackedIds.length).toBeGreaterThan(0);

    const second = await start(data.dir);
    const bobSocket = await second.client.connect(bob.devices[0]!);
    const delivered = (await drainAll(bobSocket)).map((e) => e.clientId);
    expect(new Set(delivered).size).toBe(delivered.length);
    for (const id of ackedIds) expect(delivered).toContain(id);
    bobSocket.close();
  });
});
