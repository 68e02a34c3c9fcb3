/**
 * The test stand-in for "the relay serves the web app on one origin": a small HTTP server that
 * serves the built app (dist/) with an SPA fallback and forwards the relay's paths (HTTP and the
 * WebSocket upgrade) to whichever relay is current. The relay can stop and restart (even on
 * another port) while the page keeps its origin, as when a real relay restarts.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { extname, join, normalize } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

const relayPath = /^\/(v\d+\/|healthz$|readyz$|metrics$)/;

export interface WebServer {
  readonly origin: string;
  /** Where relay requests go; undefined while the relay is down (requests then fail). */
  setRelayPort(port: number | undefined): void;
  close(): Promise<void>;
}

export async function startWebServer(distDir: string): Promise<WebServer> {
  let relayPort: number | undefined;
  const upgraded = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (relayPath.test(path)) return forward(req, res, relayPort);
    void serveFile(distDir, path, res);
  });

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    if (relayPort === undefined) return client.destroy();
    const upstream = connect(relayPort, '127.0.0.1', () => {
      const headers = Object.entries(req.headers).map(
        ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`,
      );
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream).pipe(client);
    });
    upgraded.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      upgraded.delete(client);
      upgraded.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    setRelayPort(next) {
      relayPort = next;
      if (next === undefined) for (const socket of upgraded) socket.destroy();
    },
    async close() {
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forward(req: IncomingMessage, res: ServerResponse, relayPort: number | undefined): void {
  if (relayPort === undefined) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"UNAVAILABLE","message":"relay is down"}}');
    return;
  }
  const upstream = request(
    { host: '127.0.0.1', port: relayPort, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
}

async function serveFile(distDir: string, path: string, res: ServerResponse): Promise<void> {
  const safe = normalize(decodeURIComponent(path)).replace(/^(\.\.[/\\])+/, '');
  let file = join(distDir, safe);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    // SPA fallback: client-side routes get the app shell.
    file = join(distDir, 'index.html');
    size = (await stat(file)).size;
  }
  res.writeHead(200, {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control':
      file.endsWith('sw.js') || file.endsWith('.html')
        ? 'no-cache'
        : 'public, max-age=31536000, immutable',
  });
  createReadStream(file).pipe(res);
}
