/**
 * coturn (Debian's `turnserver`) for the TURN-only call test, started with the REST secret the
 * relay signs credentials with. It listens and relays on 10.77.0.1, the namespace's own address
 * (scripts/netns-run.sh): nothing it relays can leave the namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURN_ADDRESS = '10.77.0.1';

export interface TurnServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startTurnServer(secret: string, port = 3478): Promise<TurnServer> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-turn-'));
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '--listening-ip',
      TURN_ADDRESS,
      '--relay-ip',
      TURN_ADDRESS,
      '--listening-port',
      String(port),
      '--min-port',
      '49160',
      '--max-port',
      '49260',
      '--use-auth-secret',
      '--static-auth-secret',
      secret,
      '--realm',
      'parley.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--no-multicast-peers',
      '--fingerprint',
      '--pidfile',
      join(dir, 'turnserver.pid'),
      '--userdb',
      join(dir, 'turndb'),
      '--log-file',
      'stdout',
      '--simple-log',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Ready once it reports its UDP listener on our address; an early exit is a failure.
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/listener opened on|IPv4. UDP listener opened/i.test(log)) resolve();
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`turnserver exited (${code}):\n${log}`)));
    check();
  });
  return {
    url: `turn:${TURN_ADDRESS}:${port}?transport=udp`,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
