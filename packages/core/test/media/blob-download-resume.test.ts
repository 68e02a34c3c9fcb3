import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobTransfer } from '../../src/media/blob-transfer.js';

/**
 * The download side of BlobTransfer against a stand-in HTTP server that drops the connection
 * mid-body (the relay's real blob routes are exercised by attachments.test.ts; a cut at an exact
 * byte is only reproducible with a server that does it on purpose).
 */
describe('blob download', () => {
  let server: Server | undefined;
  afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

  const blob = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
  const id = 'ab'.repeat(16);

  async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void) {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  it('continues a dropped download with a Range request from the bytes it already has', async () => {
    const ranges: (string | undefined)[] = [];
    const url = await serve((request, response) => {
      ranges.push(request.headers.range);
      if (!request.headers.range) {
        // First attempt: announce the whole blob, send 100,000 bytes, then cut the connection.
        response.writeHead(200, { 'content-length': String(blob.length) });
        response.write(blob.subarray(0, 100_000), () => response.destroy());
        return;
      }
      const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range)![1]);
      response.writeHead(206, { 'content-length': String(blob.length - start) });
      response.end(blob.subarray(start));
    });
    const progress: number[] = [];
    const transfer = new BlobTransfer(url, () => 'Basic test');
    const bytes = await transfer.download(id, blob.length, (done) => progress.push(done));
    expect(bytes).toEqual(blob);
    expect(ranges[0]).toBeUndefined();
    expect(ranges.length).toBe(2);
    // Resumed where the first attempt stopped, not from zero.
    expect(Number(/^bytes=(\d+)-$/.exec(ranges[1]!)![1])).toBeGreaterThanOrEqual(100_000 - 65_536);
    expect(progress.at(-1)).toBe(blob.length);
  });

  it('reports a blob the relay no longer has as ATTACHMENT_GONE', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(404).end();
    });
    const error = await new BlobTransfer(url, () => 'Basic test')
      .download(id, 10, () => undefined)
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('ATTACHMENT_GONE');
  });
});
