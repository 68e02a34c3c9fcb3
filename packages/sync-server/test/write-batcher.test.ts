import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteBatcher } from '../src/ws/write-batcher.js';

/** A connected pair of real TCP sockets on loopback. */
async function socketPair(): Promise<{ client: Socket; server: Socket; close: () => void }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const port = (listener.address() as { port: number }).port;
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect(port, '127.0.0.1');
  const [server] = await accepted;
  return {
    client,
    server,
    close: () => {
      client.destroy();
      server.destroy();
      listener.close();
    },
  };
}

describe('WriteBatcher', () => {
  let close = () => undefined as void;
  afterEach(() => close());

  it('holds a socket corked for the rest of the turn and releases it after', async () => {
    const pair = await socketPair();
    close = pair.close;
    const batcher = new WriteBatcher();
    batcher.hold(pair.client);
    batcher.hold(pair.client); // a second write in the same turn does not cork twice
    pair.client.write('a');
    pair.client.write('b');
    expect(pair.client.writableCorked).toBe(1);
    expect(pair.client.writableLength).toBe(2); // held back, not yet handed to the kernel
    await new Promise((resolve) => setImmediate(resolve));
    expect(pair.client.writableCorked).toBe(0);
    let received = '';
    while (received.length < 2) {
      const [chunk] = (await once(pair.server, 'data')) as [Buffer];
      received += chunk.toString();
    }
    expect(received).toBe('ab');
  });

  it('corks again in the next turn', async () => {
    const pair = await socketPair();
    close = pair.close;
    const batcher = new WriteBatcher();
    batcher.hold(pair.client);
    await new Promise((resolve) => setImmediate(resolve));
    batcher.hold(pair.client);
    expect(pair.client.writableCorked).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(pair.client.writableCorked).toBe(0);
  });
});
