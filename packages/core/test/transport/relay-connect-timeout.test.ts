import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { RelayConnection, type ConnectionState } from '../../src/transport/relay-connection.js';

/**
 * A relay that takes connections and never answers them: the TCP connection of a relay process
 * that died after accepting it, or a half-open one. Real sockets; the connect timeout is short so
 * the test is quick, and nothing here depends on how long anything takes: the test waits for the
 * second connection, which only a given-up first one leads to.
 */
class SilentRelay {
  readonly connections: Socket[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.push(socket);
      socket.on('error', () => undefined);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** `openSocket`: the WebSocket opens and its AuthRequest goes unanswered; else no handshake. */
  static async listen(openSocket: boolean): Promise<SilentRelay> {
    const server = openSocket ? createHttpServer() : createServer();
    if (openSocket) new WebSocketServer({ server: server as HttpServer });
    // Reads (and drops) the upgrade request, so the client's close is seen.
    else server.on('connection', (socket: Socket) => socket.resume());
    const relay = new SilentRelay(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return relay;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/websocket`;
  }

  async connectionsReach(count: number): Promise<void> {
    while (this.connections.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('RelayConnection connect timeout', () => {
  let relay: SilentRelay | undefined;
  let connection: RelayConnection | undefined;
  afterEach(async () => {
    connection?.stop();
    await relay?.close();
  });

  const connect = (url: string, states: ConnectionState[]) =>
    new RelayConnection({
      url,
      WebSocket: WebSocket as never,
      credentials: () => ({ accountId: 'a', deviceId: 1, secret: 's' }) as never,
      connectTimeoutMs: 50,
      events: {
        onEnvelope: () => undefined,
        onOnline: () => undefined,
        onStateChange: (state) => states.push(state),
        onFatal: () => undefined,
      },
    });

  for (const [what, openSocket] of [
    ['a handshake never answered', false],
    ['an AuthRequest never answered', true],
  ] as const) {
    it(`gives up ${what} and connects again`, async () => {
      relay = await SilentRelay.listen(openSocket);
      const states: ConnectionState[] = [];
      connection = connect(relay.url, states);
      connection.start();
      await relay.connectionsReach(2);
      const [first] = relay.connections;
      if (!first!.closed) await once(first!, 'close'); // the client closed the first one
      expect(connection.online).toBe(false);
      expect(states).not.toContain('online');
      expect(states.at(-1)).toBe('connecting');
    });
  }
});
