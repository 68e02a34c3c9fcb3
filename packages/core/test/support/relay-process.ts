import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the first ancestor of this file holding packages/sync-server (works from dist too). */
export const REPO_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'packages', 'sync-server'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
})();

/** The relay's built bin (test/support/global-setup.ts builds it when missing or stale). */
export const RELAY_BIN = join(REPO_ROOT, 'packages', 'sync-server', 'dist', 'main.js');

/**
 * The real relay as a child process, so a test can SIGKILL it and start it again on the same
 * port and database. Its stdout and stderr go to a log file the test can inspect.
 */
export class RelayProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  port = 0;

  private constructor(
    readonly dataDir: string,
    readonly logPath: string,
    private readonly extraArgs: string[],
  ) {}

  /**
   * Tests log at debug level (so the plaintext scan covers the most verbose logs); benchmarks
   * pass e.g. `['--log-level', 'warn', '--mailbox-cap', '20000']`.
   */
  static async start(extraArgs: string[] = ['--log-level', 'debug']): Promise<RelayProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
    const relay = new RelayProcess(dataDir, join(dataDir, 'relay.log'), extraArgs);
    await relay.launch();
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Kills the process without any chance to clean up, as a crash or OOM kill would. */
  async kill(): Promise<void> {
    await this.terminate('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.terminate('SIGTERM');
  }

  private async launch(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const args = [
      RELAY_BIN,
      '--port',
      String(this.port),
      '--data-dir',
      this.dataDir,
      ...this.extraArgs,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`relay exited with ${code} before it was ready`)),
      ),
    );
    exited.catch(() => {});
    await Promise.race([this.ready(), exited]);
  }

  private async ready(): Promise<void> {
    for (;;) {
      try {
        const response = await fetch(`${this.url}/readyz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    await new Promise<void>((resolve) => this.log?.end(resolve) ?? resolve());
    this.child = undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
