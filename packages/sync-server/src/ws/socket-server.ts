import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES, PROVISIONING_PATH } from '@parley/protocol';
import type { ProvisioningChannel } from '../provisioning/provisioning-channel.js';
import { serveProvisioningSocket } from '../provisioning/provisioning-socket.js';
import { DeviceConnection, type ConnectionDeps } from './device-connection.js';
import { PushBudget } from './push-budget.js';
import { TurnClock } from './turn-clock.js';
import { WriteBatcher } from './write-batcher.js';

export const WEBSOCKET_PATH = '/v1/websocket';

/** The device WebSocket endpoint, sharing the HTTP server's port. */
export class SocketServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  /** Provisioning sockets only listen: anything they send closes them, so frames stay tiny. */
  private readonly provisioningWss = new WebSocketServer({
    noServer: true,
    maxPayload: 1024,
    perMessageDeflate: false,
    clientTracking: true,
  });
  private readonly connections = new Set<DeviceConnection>();
  private readonly writes = new WriteBatcher();
  private readonly turns = new TurnClock();

  constructor(
    server: Server,
    deps: Omit<ConnectionDeps, 'pushBudget'>,
    provisioning: ProvisioningChannel,
    readonly pushBudget = new PushBudget(),
  ) {
    const connectionDeps: ConnectionDeps = { ...deps, pushBudget };
    server.on('upgrade', (request, socket, head) => {
      // A client may reset the connection while it is refused or upgraded: never an unhandled
      // 'error' (which would stop the relay). ws adds its own handler once upgraded.
      socket.on('error', () => socket.destroy());
      const path = (request.url ?? '').split('?')[0];
      const known = path === WEBSOCKET_PATH || path === PROVISIONING_PATH;
      if (!known || deps.isClosing()) {
        return refuse(socket, deps.isClosing() ? '503 Service Unavailable' : '404 Not Found');
      }
      // An upgrade on an http.Server always comes over a net.Socket.
      const address = (socket as Socket).remoteAddress ?? 'unknown';
      if (path === PROVISIONING_PATH) {
        void deps.limits.openProvisioning(address).then((admitted) => {
          if (!admitted) {
            deps.metrics.rateLimited.inc({ limit: 'provisioningPerAddress' });
            return refuse(socket, '429 Too Many Requests', 'Retry-After: 20\r\n');
          }
          if (socket.destroyed) return;
          this.provisioningWss.handleUpgrade(request, socket, head, (ws) =>
            serveProvisioningSocket(ws, provisioning),
          );
        });
        return;
      }
      void deps.limits.openConnection(address).then((admitted) => {
        if (!admitted) {
          deps.metrics.rateLimited.inc({ limit: 'connectionsPerAddress' });
          return refuse(socket, '429 Too Many Requests', 'Retry-After: 1\r\n');
        }
        // The client may have gone (its 'close' already fired) while the limit was asked.
        if (socket.destroyed) return deps.limits.closeConnection(address);
        socket.once('close', () => deps.limits.closeConnection(address));
        if (deps.isClosing()) return refuse(socket, '503 Service Unavailable');
        this.upgrade(request, socket as Socket, head, address, connectionDeps);
      });
    });
  }

  private upgrade(
    request: IncomingMessage,
    socket: Socket,
    head: Buffer,
    address: string,
    deps: ConnectionDeps,
  ): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      deps.metrics.connections.inc({ state: 'unauthenticated' });
      const connection = new DeviceConnection(ws, socket, this.writes, this.turns, deps, address);
      this.connections.add(connection);
      ws.once('close', () => this.connections.delete(connection));
    });
  }

  /** Closes every socket with `code` (used by the graceful shutdown). */
  closeAll(code: number, reason: string): void {
    for (const connection of this.connections) connection.close(code, reason);
    for (const ws of this.provisioningWss.clients) ws.close(code, reason);
  }

  get size(): number {
    return this.connections.size;
  }

  /** Backpressure as it stands: for tests and the abuse bench (never on a hot path). */
  backpressure(): { pausedReaders: number; largestQueueBytes: number; pushBudgetBytes: number } {
    let pausedReaders = 0;
    let largestQueueBytes = 0;
    for (const connection of this.connections) {
      if (connection.isReadingPaused) pausedReaders++;
      largestQueueBytes = Math.max(largestQueueBytes, connection.queuedBytes);
    }
    return { pausedReaders, largestQueueBytes, pushBudgetBytes: this.pushBudget.totalBytes };
  }
}

function refuse(socket: { end(data: string): void }, status: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status}\r\n${headers}Connection: close\r\n\r\n`);
}
