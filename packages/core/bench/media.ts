/**
 * bench:media — what end-to-end encryption and the blob store cost on a large attachment.
 *
 * Same run, same 50 MB of random bytes (BENCH_MEDIA_MB to change it):
 * - Parley: encrypt on the device (chunked AES-256-GCM + SHA-256 of the ciphertext) and upload
 *   through the real relay process (tus, authenticated, written to its blob directory, metadata
 *   in SQLite); then download (authenticated) and check + decrypt.
 * - Plain: the same bytes PUT to / GET from a bare Node HTTP server in its own process that
 *   writes them to a file and streams them back, no encryption, no auth, no tus.
 * Each direction runs BENCH_MEDIA_ROUNDS (3) times; the median counts. The LAST line is one
 * JSON object; `ratio` is the lower of upload/plain_upload and download/plain_download.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RelayClient,
  basicAuthorization,
  randomDeviceKeys,
  randomEcPublicKey,
} from '@parley/relay-client';
import { decryptAttachment, encryptAttachment } from '../src/media/attachment-cipher.js';
import { BlobTransfer } from '../src/media/blob-transfer.js';
import { RelayProcess } from '../test/support/relay-process.js';
import { loadAverage } from './measure.js';

const MB = 1024 * 1024;
const sizeMb = Number(process.env.BENCH_MEDIA_MB ?? 50);
const rounds = Number(process.env.BENCH_MEDIA_ROUNDS ?? 3);

/** A bare file server: PUT /f writes the body to a file, GET /f streams it back. */
const PLAIN_SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const file = path.join(process.argv[1], 'plain.bin');
http.createServer((req, res) => {
  if (req.method === 'PUT') {
    const out = fs.createWriteStream(file);
    req.pipe(out);
    out.on('finish', () => { res.statusCode = 204; res.end(); });
  } else {
    res.setHeader('content-length', fs.statSync(file).size);
    fs.createReadStream(file).pipe(res);
  }
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

async function startPlainServer(dir: string) {
  const child = spawn(process.execPath, ['-e', PLAIN_SERVER, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (data: Buffer) => resolve(Number(String(data).trim()))),
  );
  return { url: `http://127.0.0.1:${port}/f`, stop: () => child.kill() };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function timed<T>(run: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { seconds: (performance.now() - start) / 1000, value };
}

async function main(): Promise<void> {
  const plaintext = new Uint8Array(randomBytes(sizeMb * MB));
  const relay = await RelayProcess.start(['--log-level', 'warn', '--rate-limits', 'off']);
  const plainDir = mkdtempSync(join(tmpdir(), 'parley-bench-plain-'));
  const plain = await startPlainServer(plainDir);
  try {
    const client = new RelayClient(relay.url);
    const device = await client.register(
      `bench${Date.now().toString(36)}`,
      randomEcPublicKey(),
      randomDeviceKeys(),
    );
    const transfer = new BlobTransfer(relay.url, () => basicAuthorization(device));
    const parleyUp: number[] = [];
    const parleyDown: number[] = [];
    const plainUp: number[] = [];
    const plainDown: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const up = await timed(async () => {
        const sealed = await encryptAttachment(plaintext);
        const id = await transfer.upload({
          ciphertext: sealed.ciphertext,
          onProgress: () => undefined,
        });
        return { id, sealed };
      });
      parleyUp.push(up.seconds);
      const { id, sealed } = up.value;
      const down = await timed(async () => {
        const ciphertext = await transfer.download(id, sealed.ciphertext.length, () => undefined);
        return decryptAttachment(ciphertext, sealed.key, sealed.digest);
      });
      if (sha(down.value) !== sha(plaintext))
        throw new Error('decrypted bytes differ from the original');
      parleyDown.push(down.seconds);
      await transfer.delete(id);

      plainUp.push(
        (await timed(() => fetch(plain.url, { method: 'PUT', body: plaintext }))).seconds,
      );
      const plainGet = await timed(
        async () => new Uint8Array(await (await fetch(plain.url)).arrayBuffer()),
      );
      if (plainGet.value.length !== plaintext.length) throw new Error('plain download is short');
      plainDown.push(plainGet.seconds);
      console.log(
        `round ${round + 1}: parley up ${up.seconds.toFixed(2)} s, down ${down.seconds.toFixed(2)} s; ` +
          `plain up ${plainUp.at(-1)!.toFixed(2)} s, down ${plainDown.at(-1)!.toFixed(2)} s`,
      );
    }
    const rate = (seconds: number[]) => Number((sizeMb / median(seconds)).toFixed(1));
    const figures = {
      upload_mb_per_s: rate(parleyUp),
      download_mb_per_s: rate(parleyDown),
      plain_upload_mb_per_s: rate(plainUp),
      plain_download_mb_per_s: rate(plainDown),
    };
    const ratio = Math.min(
      figures.upload_mb_per_s / figures.plain_upload_mb_per_s,
      figures.download_mb_per_s / figures.plain_download_mb_per_s,
    );
    console.log(`file ${sizeMb} MB, ${rounds} rounds (median), load average ${loadAverage()}`);
    console.log(JSON.stringify({ bench: 'media', ...figures, ratio: Number(ratio.toFixed(2)) }));
  } finally {
    plain.stop();
    await relay.stop();
    rmSync(plainDir, { recursive: true, force: true });
    rmSync(relay.dataDir, { recursive: true, force: true });
  }
}

await main();
