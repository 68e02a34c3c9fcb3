import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The physical limit the relay is compared with: the same message pattern over `ws` with no
 * auth, no storage and no protobuf. Frames (little endian u32s):
 *   client -> server send:  [dest][requestId][payload]  -> server answers [requestId] and
 *                                                          pushes [source][requestId][payload]
 *   client -> server ack:   [0xffffffff][id]...         -> dropped (as the relay deletes)
 * Clients name themselves in the URL: /?id=<n>. Prints `listening <port>` on stdout.
 */
const ACK_MARK = 0xffffffff;
const sockets = new Map<number, WebSocket>();
const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });

server.on('connection', (ws, request) => {
  const id = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('id'));
  sockets.set(id, ws);
  ws.on('close', () => sockets.delete(id));
  ws.on('message', (data: Buffer) => {
    const dest = data.readUInt32LE(0);
    if (dest === ACK_MARK) return;
    const reply = Buffer.allocUnsafe(4);
    data.copy(reply, 0, 4, 8);
    ws.send(reply);
    data.writeUInt32LE(id, 0);
    sockets.get(dest)?.send(data);
  });
});

server.on('listening', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening ${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
