import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnRelay, tempDataDir } from './support/relay-harness.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The relay as `npm start` runs it: what a person sees when the port is taken or it is stopped. */
describe('the relay process', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('says in one line which option picks another port when its port is taken', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const port = (holder.address() as { port: number }).port;
    const data = tempDataDir();
    cleanups.push(data.remove);

    const child = spawn(
      process.execPath,
      [mainJs, '--port', String(port), '--data-dir', data.dir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', INIT_CWD: '' },
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${port}`);
    expect(lines[0]).toContain('--port');
    expect(lines[0]).toContain('PARLEY_PORT');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('logs its shutdown on SIGTERM and exits cleanly', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const relay = await spawnRelay(data.dir);
    const messages: string[] = [];
    relay.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        messages.push((JSON.parse(line) as { msg: string; signal?: string }).msg);
      }
    });
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
    expect(messages.some((msg) => msg.startsWith('shutting down'))).toBe(true);
    expect(messages).toContain('relay stopped');
  });
});
