import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The relay's built bin (test/support/global-setup.ts builds it when missing or stale). */
export const RELAY_BIN = fileURLToPath(
  new URL('../../../sync-server/dist/main.js', import.meta.url),
);

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
  ) {}

  static async start(): Promise<RelayProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-relay-'));
    const relay = new RelayProcess(dataDir, join(dataDir, 'relay.log'));
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

  private launch(): Promise<void> {
    const args = [
      RELAY_BIN,
      '--port',
      String(this.port),
      '--data-dir',
      this.dataDir,
      '--log-level',
      'debug',
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    child.stderr?.pipe(this.log, { end: false });
    return new Promise((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer) => {
        this.log?.write(chunk);
        buffered += chunk.toString();
        const match = /"port":(\d+)/.exec(buffered);
        if (match && buffered.includes('relay listening')) {
          this.port = Number(match[1]);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`relay exited with ${code} before listening`)));
    });
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
