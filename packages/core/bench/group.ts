/**
 * bench:group — one sender to groups of 10, 100 and 1,000 devices through the real relay.
 *
 * The sender runs core's group path exactly as the outbox does (groups/group-encryption.ts):
 * the Content is encrypted ONCE with the sender key (libsignal, the native engine) and the same
 * ciphertext goes to every device in one send request, paged to the relay's limits (pageFanout).
 * Receivers are lightweight: one relay socket per device (an account each, registered with random
 * public keys) that records when each envelope arrives and acks it; one of them also decrypts
 * every message with its own copy of the sender key, so the bench checks what it measures.
 * The sender key distribution (1:1 PQXDH sessions) is setup, not measured.
 *
 * Figures per size, over BENCH_SENDS sends (default 30) after 3 warm-up sends:
 * - send_cpu_ms: the sender's process CPU (user + system) for encrypting and framing one send,
 *   p50 (target: < 5 ms for 1,000 devices);
 * - fanout_p50_ms / fanout_p99_ms: from the start of a send to an envelope's arrival at a
 *   receiver, over every (send, receiver) pair (target: p99 < 1 s for 1,000 devices);
 * - bytes_per_send: bytes of the send frames of one message (all pages).
 * The LAST line printed is one JSON object.
 */
import { performance } from 'node:perf_hooks';
import { EnvelopeType, type Envelope } from '@parley/protocol';
import { encodeSendRequestFrame } from '@parley/protocol/wire';
import {
  RelayClient,
  randomDeviceKeys,
  randomEcPublicKey,
  type RelaySocket,
} from '@parley/relay-client';
import type { ProtocolAddress, SenderKeyRecord, SenderKeyStore } from '../src/crypto/engine.js';
import { encryptForGroup, pageFanout } from '../src/groups/group-encryption.js';
import { SenderKeys } from '../src/groups/sender-keys.js';
import { nativeEngine as engine } from '../src/native.js';
import type { SignalStores } from '../src/store/signal-stores.js';
import { RelayProcess } from '../test/support/relay-process.js';
import { loadAverage, percentile } from './measure.js';

const SIZES = [10, 100, 1000] as const;
const SENDS = Number(process.env.BENCH_SENDS ?? 30);
const WARMUP_SENDS = 3;
/** Registrations and socket openings in flight at once. */
const SETUP_CONCURRENCY = 50;
/** Receiver sockets per local source address (ephemeral ports: TOOLCHAIN.md). */
const SOCKETS_PER_ADDRESS = 10_000;

class MemorySenderKeys implements SenderKeyStore {
  private readonly records = new Map<string, SenderKeyRecord>();
  async saveSenderKey(sender: ProtocolAddress, id: string, record: SenderKeyRecord): Promise<void> {
    this.records.set(`${sender.toString()}/${id}`, record);
  }
  async getSenderKey(sender: ProtocolAddress, id: string): Promise<SenderKeyRecord | null> {
    return this.records.get(`${sender.toString()}/${id}`) ?? null;
  }
}

interface Receiver {
  accountId: string;
  socket: RelaySocket;
  /** clientId -> arrival time (ms, performance clock). */
  arrivals: Map<string, number>;
}

async function inBatches<T, R>(items: readonly T[], run: (item: T, i: number) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += SETUP_CONCURRENCY) {
    const batch = items.slice(i, i + SETUP_CONCURRENCY);
    results.push(...(await Promise.all(batch.map((item, j) => run(item, i + j)))));
  }
  return results;
}

async function main(): Promise<void> {
  // Every receiver registers and connects from this machine, and none of them ever wrote to the
  // sender: the relay's abuse limits (per address, and a stranger's share of a mailbox) would
  // refuse the bench's own load, so they are lifted; what is measured is the delivery path.
  const unlimited = { burst: 1_000_000, perSecond: 1_000_000 };
  const relay = await RelayProcess.start([
    '--log-level',
    'warn',
    '--rate-limits',
    JSON.stringify({
      registrationsPerAddress: unlimited,
      connectionsPerAddress: unlimited,
      envelopesPerSenderPerMailbox: unlimited,
    }),
    '--max-connections-per-address',
    '1000000',
  ]);
  let failed = false;
  try {
    const client = new RelayClient(relay.url);
    const tag = Date.now().toString(36);
    const register = (name: string) =>
      client.register(name, randomEcPublicKey(), randomDeviceKeys());
    const sender = await register(`gs${tag}`);
    const senderSocket = await client.connect(sender);
    const max = Math.max(...SIZES);
    let waiting: { clientId: string; left: number; done: () => void } | undefined;
    const receivers = await inBatches(
      Array.from({ length: max }, (_, i) => i),
      async (i): Promise<Receiver> => {
        const credentials = await register(`gr${tag}x${i}`);
        const socket = await client.connect(credentials, {
          localAddress: `127.0.0.${2 + Math.floor(i / SOCKETS_PER_ADDRESS)}`,
        });
        const receiver: Receiver = {
          accountId: credentials.accountId,
          socket,
          arrivals: new Map(),
        };
        socket.onEnvelope = (envelope: Envelope) => {
          receiver.arrivals.set(envelope.clientId, performance.now());
          socket.ack([envelope.serverId]);
          if (waiting && envelope.clientId === waiting.clientId && --waiting.left === 0)
            waiting.done();
        };
        return receiver;
      },
    );

    // The sender's key, and a receiver's copy of it (the distribution, as a member would get it).
    const self = engine.ProtocolAddress.new(sender.accountId, sender.deviceId);
    const senderStore = new MemorySenderKeys();
    const checkerStore = new MemorySenderKeys();
    const senderKeys = new SenderKeys();
    const groupId = `g-bench-${tag}`;
    const distributionId = senderKeys.current(groupId);
    const distribution = await engine.SenderKeyDistributionMessage.create(
      self,
      distributionId,
      senderStore,
    );
    await engine.processSenderKeyDistributionMessage(
      self,
      engine.SenderKeyDistributionMessage.deserialize(distribution.serialize()),
      checkerStore,
    );
    // Only the SenderKeyStore is used: every destination already holds the key (no prelude).
    const deps = { engine, stores: senderStore as unknown as SignalStores, senderKeys };

    const figures = {
      send_cpu_ms: [] as number[],
      fanout_p50_ms: [] as number[],
      fanout_p99_ms: [] as number[],
      bytes_per_send: [] as number[],
    };
    for (const size of SIZES) {
      const group = receivers.slice(0, size);
      const destinations = group.map((r) => engine.ProtocolAddress.new(r.accountId, 1));
      senderKeys.distributed(groupId, distributionId, destinations);
      const cpu: number[] = [];
      const latencies: number[] = [];
      let bytes = 0;
      for (let n = 0; n < WARMUP_SENDS + SENDS; n++) {
        const clientId = `${tag}-${size}-${n}`;
        const content = new TextEncoder().encode(`group message ${n} to ${size}`);
        const arrived = new Promise<void>((done) => (waiting = { clientId, left: size, done }));
        const startedAt = performance.now();
        const cpuBefore = process.cpuUsage();
        const { prelude, messages } = await encryptForGroup(
          deps,
          self,
          groupId,
          content,
          destinations,
        );
        if (prelude) throw new Error('bench: every destination should hold the key already');
        const pages = pageFanout(messages);
        const cpuUsed = process.cpuUsage(cpuBefore);
        await Promise.all(
          pages.map((page, i) =>
            senderSocket.send(
              i === 0 ? clientId : `${clientId}.${i}`,
              page.map((m) => ({
                destination: {
                  accountId: m.destination!.accountId!,
                  deviceId: m.destination!.deviceId!,
                },
                type: EnvelopeType.SENDER_KEY_MESSAGE,
                content: m.content as Uint8Array,
              })),
            ),
          ),
        );
        // Paged sends beyond the first arrive under their own client ids: count them too.
        if (pages.length > 1) throw new Error('bench: sizes here fit one page');
        await arrived;
        // The ciphertext is what a member decrypts (checked on every send, outside the timing).
        const plain = await engine.groupDecrypt(
          self,
          checkerStore,
          messages[0]!.content as Uint8Array<ArrayBuffer>,
        );
        if (new TextDecoder().decode(plain) !== new TextDecoder().decode(content))
          throw new Error('bench: a receiver decrypted something else');
        if (n < WARMUP_SENDS) continue;
        cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
        for (const r of group) latencies.push((r.arrivals.get(clientId) ?? Number.NaN) - startedAt);
        bytes = pages.reduce(
          (sum, page, i) =>
            sum +
            encodeSendRequestFrame(
              i + 1,
              clientId,
              page.map((m) => ({
                accountId: m.destination!.accountId!,
                deviceId: m.destination!.deviceId!,
                type: EnvelopeType.SENDER_KEY_MESSAGE,
                content: m.content as Uint8Array,
              })),
            ).length,
          0,
        );
      }
      cpu.sort((a, b) => a - b);
      latencies.sort((a, b) => a - b);
      const row = {
        size,
        send_cpu_ms: round(percentile(cpu, 50)),
        fanout_p50_ms: round(percentile(latencies, 50)),
        fanout_p99_ms: round(percentile(latencies, 99)),
        bytes_per_send: bytes,
      };
      console.log(`group of ${size} devices: ${JSON.stringify(row)}`);
      figures.send_cpu_ms.push(row.send_cpu_ms);
      figures.fanout_p50_ms.push(row.fanout_p50_ms);
      figures.fanout_p99_ms.push(row.fanout_p99_ms);
      figures.bytes_per_send.push(row.bytes_per_send);
    }
    console.log(`load average: ${loadAverage()}`);
    console.log(JSON.stringify({ bench: 'group', sizes: SIZES, ...figures }));
  } catch (error) {
    // Said, not swallowed: a bench that measured nothing must not look like one that passed.
    console.error('bench:group failed:', error);
    failed = true;
  } finally {
    await relay.stop();
    process.exit(failed ? 1 : 0);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

await main();
