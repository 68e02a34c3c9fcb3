import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { GeneratorCommand } from './load-generator.js';

/** Child processes of the benchmark: the relay, the bare forwarder and the load generators. */

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Flags for the relays' node from the environment (RELAY_NODE_ARGS, space-separated). */
export function relayNodeArgs(): string[] {
  return process.env.RELAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

/**
 * The port in a relay's "relay listening" log line. Lines that are not its JSON log come from
 * node flags (e.g. --trace-gc): they go to this process's stderr, marked with `label`.
 */
export function relayListeningPort(line: string, label: string): number | undefined {
  if (!line.startsWith('{')) return void process.stderr.write(`${label}: ${line}\n`);
  const entry = JSON.parse(line) as { msg?: string; port?: number };
  return entry.msg === 'relay listening' ? entry.port : undefined;
}

export interface Server {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts a server process and waits for the line that gives its port. */
async function startServer(
  args: string[],
  portOf: (line: string) => number | undefined,
): Promise<Server> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const found = portOf(line);
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * `nodeArgs` go to node itself (e.g. --cpu-prof for the bench's --profile option);
 * `relayArgs` to the relay (e.g. --database-url).
 */
export function startRelayProcess(
  dataDir: string,
  nodeArgs: string[] = [],
  relayArgs: string[] = [],
): Promise<Server> {
  return startServer(
    [
      ...nodeArgs,
      here('../main.js'),
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'info',
      ...relayArgs,
    ],
    (line) => relayListeningPort(line, 'relay'),
  );
}

/** With `durableFile`, the durable floor: every send fdatasynced before it is answered. */
export function startBareForwarder(durableFile?: string): Promise<Server> {
  const args = durableFile ? ['--durable', durableFile] : [];
  return startServer([here('./bare-forwarder.js'), ...args], (line) => {
    const match = /^listening (\d+)$/.exec(line);
    return match ? Number(match[1]) : undefined;
  });
}

/** Resident set size of a process in KiB, from /proc. */
export function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc; with `mainThreadOnly`,
 * only its main thread's (the event loop), without GC helpers, the thread pool and workers.
 */
export function cpuSeconds(pid: number, mainThreadOnly = false): number {
  const path = mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export class Generator {
  readonly child: ChildProcess;

  /** `nodeArgs` go to node itself (e.g. --cpu-prof). */
  constructor(nodeArgs: string[] = []) {
    this.child = fork(here('./load-generator.js'), [], { stdio: 'inherit', execArgv: nodeArgs });
  }

  ask<T>(command: GeneratorCommand): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.child.once('message', (message: T & { error?: string }) =>
        message.error ? reject(new Error(message.error)) : resolve(message),
      );
      this.child.send(command);
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.ask({ cmd: 'close' });
    await exited;
  }
}
