import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The physical limit the relay is compared with: the same message pattern over `ws` with no
 * auth, no storage and no protobuf. Frames (little endian u32s):
 *   client -> server send:  [dest][requestId][payload]  -> server answers [requestId] and
 *                                                          pushes [source][requestId][payload]
 *   client -> server ack:   [0xffffffff][id]...         -> dropped (as the relay deletes)
 * Clients name themselves in the URL: /?id=<n>. Prints `listening <port>` on stdout.
 *
 * With `--durable <file>` it is the floor of a durable relay instead: sends are written to the
 * file and answered and pushed only after an fdatasync that followed their write, grouped as
 * the relay's group commit groups them (a batch forms while the previous sync runs), in a
 * region reused from its start as SQLite's WAL is after a checkpoint.
 */
const ACK_MARK = 0xffffffff;

/** The log region's size: reused from its start once full. */
const REGION_BYTES = 64 << 20;

/** Group commit without a database: write at the end of the turn, fdatasync off the loop. */
class DurableLog {
  private readonly fd: number;
  private position = 0;
  private pending: { data: Buffer; then: () => void }[] = [];
  private scheduled = false;
  private syncing = false;

  constructor(path: string) {
    this.fd = openSync(path, 'w+');
    // Allocated up front, as a WAL that checkpoints keep reusing: syncs never grow the file.
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < REGION_BYTES / zeros.length; i++) writeSync(this.fd, zeros);
    fdatasyncSync(this.fd);
    process.on('exit', () => closeSync(this.fd));
  }

  append(data: Buffer, then: () => void): void {
    this.pending.push({ data, then });
    if (!this.scheduled && !this.syncing) {
      this.scheduled = true;
      setImmediate(this.commit);
    }
  }

  private readonly commit = (): void => {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const { data } of batch) {
      if (this.position + data.length > REGION_BYTES) this.position = 0;
      this.position += writeSync(this.fd, data, 0, data.length, this.position);
    }
    this.syncing = true;
    fdatasync(this.fd, (error) => {
      if (error) throw error;
      this.syncing = false;
      for (const { then } of batch) then();
      if (this.pending.length > 0) this.commit();
    });
  };
}

const sockets = new Map<number, WebSocket>();
const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
const durableIndex = process.argv.indexOf('--durable');
const durable = durableIndex > 0 ? new DurableLog(process.argv[durableIndex + 1]!) : undefined;

server.on('connection', (ws, request) => {
  const id = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('id'));
  sockets.set(id, ws);
  ws.on('close', () => sockets.delete(id));
  ws.on('message', (data: Buffer) => {
    const dest = data.readUInt32LE(0);
    if (dest === ACK_MARK) return;
    if (durable) durable.append(data, () => forward(ws, id, dest, data));
    else forward(ws, id, dest, data);
  });
});

function forward(ws: WebSocket, id: number, dest: number, data: Buffer): void {
  const reply = Buffer.allocUnsafe(4);
  data.copy(reply, 0, 4, 8);
  ws.send(reply);
  data.writeUInt32LE(id, 0);
  sockets.get(dest)?.send(data);
}

server.on('listening', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
