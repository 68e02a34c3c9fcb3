import { randomBytes } from 'node:crypto';
import { barePeer, relayPeer, type Peer, type PeerSpec } from './peers.js';

/**
 * A load-generator process (forked by bench-relay.ts). It holds a share of the simulated devices
 * and runs the phases the orchestrator asks for over IPC:
 *   connect            -> { connected }
 *   saturate {ms, window}  every device keeps `window` sends in flight -> { delivered, ms }
 *   paced {rate, ms, warmupMs}  open-loop sends at `rate`/s across its devices; latencies (ms)
 *                      of those sent after the first warmupMs -> { latencies, sent, measured }
 *   close
 */
export type GeneratorCommand =
  | { cmd: 'init'; mode: 'relay' | 'bare'; url: string; peers: PeerSpec[]; size: number }
  | { cmd: 'connect'; concurrency: number }
  | { cmd: 'saturate'; ms: number; window: number }
  | { cmd: 'paced'; rate: number; ms: number; warmupMs: number }
  | { cmd: 'close' };

let init: Extract<GeneratorCommand, { cmd: 'init' }>;
let peers: Peer[] = [];
let delivered = 0;
let latencies: number[] | undefined;

const reply = (message: object) => process.send!(message);

process.on('message', (message: GeneratorCommand) => {
  handle(message).then(reply, (error: unknown) =>
    reply({ error: error instanceof Error ? error.stack : String(error) }),
  );
});

async function handle(command: GeneratorCommand): Promise<object> {
  switch (command.cmd) {
    case 'init':
      init = command;
      return { ok: true };
    case 'connect':
      return { connected: await connectAll(command.concurrency) };
    case 'saturate':
      return saturate(command.ms, command.window);
    case 'paced':
      return paced(command.rate, command.ms, command.warmupMs);
    case 'close':
      for (const peer of peers) peer.close();
      setTimeout(() => process.exit(0), 200);
      return { ok: true };
  }
}

async function connectAll(concurrency: number): Promise<number> {
  const open = init.mode === 'relay' ? relayPeer : barePeer;
  const result: Peer[] = new Array(init.peers.length);
  let next = 0;
  const worker = async () => {
    while (next < init.peers.length) {
      const i = next++;
      const peer = await open(init.url, init.peers[i]!);
      peer.onReceive = onReceive;
      result[i] = peer;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  peers = result;
  return peers.length;
}

/** Sends stamped before this time (performance.now()) are not measured: the warm-up. */
let measureFrom = Number.POSITIVE_INFINITY;

function onReceive(payload: Uint8Array): void {
  delivered++;
  if (latencies) {
    const sentAt = Buffer.from(payload.buffer, payload.byteOffset, 8).readDoubleLE(0);
    if (sentAt >= measureFrom) latencies.push(performance.now() - sentAt);
  }
}

function payload(): Buffer {
  const bytes = randomBytes(init.size);
  bytes.writeDoubleLE(performance.now(), 0);
  return bytes;
}

async function saturate(ms: number, window: number): Promise<object> {
  let running = true;
  const chains: Promise<void>[] = [];
  for (const peer of peers) {
    for (let i = 0; i < window; i++) {
      chains.push(
        (async () => {
          while (running) await peer.send(payload());
        })(),
      );
    }
  }
  const startDelivered = delivered;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const count = delivered - startDelivered;
  const elapsed = performance.now() - started;
  running = false;
  await Promise.all(chains);
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the last deliveries land
  return { delivered: count, ms: elapsed };
}

async function paced(rate: number, ms: number, warmupMs: number): Promise<object> {
  latencies = [];
  const started = performance.now();
  measureFrom = started + warmupMs;
  let sent = 0;
  let measured = 0;
  let cursor = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (elapsed >= warmupMs + ms) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((elapsed / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) {
        const peer = peers[cursor++ % peers.length]!;
        const bytes = payload();
        peer.send(bytes).catch(() => undefined);
        sent++;
        if (bytes.readDoubleLE(0) >= measureFrom) measured++;
      }
    }, 2);
  });
  await new Promise((resolve) => setTimeout(resolve, 500)); // in-flight messages land
  const result = { latencies, sent, measured };
  latencies = undefined;
  measureFrom = Number.POSITIVE_INFINITY;
  return result;
}
