/**
 * coturn (Debian's `turnserver`) for the TURN-only call test, started with the REST secret the
 * relay signs credentials with. It listens and relays on 10.77.0.1, the namespace's own address
 * (scripts/netns-run.sh): nothing it relays can leave the namespace.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
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
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`turnserver exited (${code}):\n${log}`))),
  );
  // Its log is block-buffered on a pipe: readiness is a STUN answer on its port, not a log line.
  await Promise.race([stunAnswers(TURN_ADDRESS, port), exited]);
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

/**
 * Resolves once a STUN Binding request (RFC 8489 §5: type 0x0001, magic cookie 0x2112A442, a
 * random transaction id) gets an answer; re-sent every 100 ms until the server listens.
 */
async function stunAnswers(address: string, port: number): Promise<void> {
  const socket = createSocket('udp4');
  const request = Buffer.concat([
    Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]),
    randomBytes(12),
  ]);
  const answered = once(socket, 'message');
  const resend = setInterval(() => socket.send(request, port, address), 100);
  socket.send(request, port, address);
  try {
    await answered;
  } finally {
    clearInterval(resend);
    socket.close();
  }
}
