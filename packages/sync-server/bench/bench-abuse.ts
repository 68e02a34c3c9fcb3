import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { create, toBinary } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import { FrameSchema, MAX_FRAME_BYTES } from '@parley/protocol';
import {
  RelayClient,
  randomDeviceKeys,
  randomEcPublicKey,
  type Credentials,
} from '@parley/relay-client';
import { rssKb } from './processes.js';

/**
 * npm run bench:abuse [-- --relay path/to/main.js] [--attacks a,b,...] [--rate r]
 *
 * The relay (default limits, SQLite) under each attack of issue #12's "Found" while a
 * well-behaved pair exchanges messages at a steady rate (`--rate` per second, default 20). Each
 * attack runs in its own child process (so its CPU never delays the victim's measurements), for
 * a bounded number of operations and at most ATTACK_MS. Per attack it prints the victim's p99
 * round trip (send -> pushed to the receiver), the relay's RSS growth over its RSS before the
 * attack, and the relay's event-loop stalls over 100 ms (its monitorEventLoopDelay maximum,
 * read from /metrics every SAMPLE_MS; a relay without that gauge reports null). The LAST line is
 * one JSON object. `--relay` runs another build of the relay (e.g. main's, for a before figure).
 * Loopback only.
 */

const ATTACK_MS = 8_000;
const SAMPLE_MS = 250;
const STALL_MS = 100;

const attackNames = [
  'none',
  'ack-frame',
  'unread-replies',
  'mailbox-flood',
  'prekey-drain',
  'failed-logins',
  'connection-flood',
  'push-buffers',
  'device-adds',
] as const;
type AttackName = (typeof attackNames)[number];

interface Accounts {
  /** The attacker's account (two devices: push-buffers sends from one to the other). */
  mallory: Credentials[];
  /** The victim pair: alice sends to bob. */
  alice: Credentials;
  bob: Credentials;
}

const to = (device: Credentials) => ({ accountId: device.accountId, deviceId: device.deviceId });

const frameOf = (kind: Parameters<typeof create<typeof FrameSchema>>[1]) =>
  toBinary(FrameSchema, create(FrameSchema, kind));

const authFrame = (device: Credentials) =>
  frameOf({
    kind: {
      case: 'request',
      value: { id: 1, body: { case: 'auth', value: { ...device } as never } },
    },
  });

async function rawSocket(url: string, device?: Credentials): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/websocket`, {
    perMessageDeflate: false,
  });
  ws.on('error', () => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', () => reject(new Error('upgrade refused')));
    ws.once('error', reject);
  });
  if (device) {
    const answered = new Promise((resolve) => ws.once('message', resolve));
    ws.send(authFrame(device));
    await answered;
  }
  return ws;
}

const closed = (ws: WebSocket) =>
  ws.readyState === WebSocket.CLOSED
    ? Promise.resolve()
    : new Promise<void>((resolve) => ws.once('close', () => resolve()));
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** The attacks, run in a child process; each stops by itself (bounded counts) or at ATTACK_MS. */
const attacks: Record<AttackName, (url: string, accounts: Accounts) => Promise<string>> = {
  /** No attack: the victim's figures on this machine as it is loaded now (the baseline). */
  async none() {
    await new Promise((resolve) => setTimeout(resolve, 4000));
    return 'baseline, no attack';
  },
  /** 4 MiB ack frames of ~1 M ids, on a fresh socket each time it is closed. */
  async 'ack-frame'(url, { mallory }) {
    const ids = Array.from({ length: Math.floor(MAX_FRAME_BYTES / 4) }, (_, i) => BigInt(i + 1));
    const frame = frameOf({ kind: { case: 'ack', value: { serverIds: ids } } });
    for (let i = 0; i < 10; i++) {
      const ws = await rawSocket(url, mallory[0]);
      ws.send(frame);
      ws.send(frame);
      await Promise.race([closed(ws), new Promise((r) => setTimeout(r, 1500))]);
      ws.terminate();
    }
    return `10 sockets, ${ids.length} ids per frame`;
  },
  /** Empty requests (answered MALFORMED) from a socket that never reads its answers. */
  async 'unread-replies'(url, { mallory }) {
    const ws = await rawSocket(url, mallory[0]);
    ws.pause();
    const frame = frameOf({
      kind: { case: 'request', value: { id: 7, body: { case: undefined } } },
    });
    let sent = 0;
    while (sent < 2_000_000 && ws.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 2_000; i++) ws.send(frame);
      sent += 2_000;
      // Never more than 8 MiB queued here: the bench process must not be what grows.
      while (ws.bufferedAmount > 8 * 1024 * 1024 && ws.readyState === WebSocket.OPEN) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await turn();
    }
    ws.terminate();
    return `${sent} requests, socket ${ws.readyState === WebSocket.CLOSED ? 'closed' : 'open'}`;
  },
  /** A stranger pipelines sends into the victim's mailbox. */
  async 'mailbox-flood'(url, { mallory, bob }) {
    const socket = await new RelayClient(url).connect(mallory[0]!);
    let stored = 0;
    let limited = 0;
    const content = new Uint8Array(100);
    for (let round = 0; round < 20; round++) {
      const sends = Array.from({ length: 500 }, (_, i) =>
        socket.send(`flood-${round}-${i}`, [{ destination: to(bob), content }]).then(
          () => stored++,
          () => limited++,
        ),
      );
      await Promise.all(sends);
    }
    socket.close();
    return `${stored} stored, ${limited} refused`;
  },
  /** A stranger fetches the victim's prekey bundles in a loop. */
  async 'prekey-drain'(url, { mallory, bob }) {
    const client = new RelayClient(url);
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < 1500; i++) {
      await client.fetchBundles(mallory[0]!, bob.accountId).then(
        () => ok++,
        () => refused++,
      );
    }
    return `${ok} bundles, ${refused} refused`;
  },
  /** Wrong secrets for the victim's device, 20 logins in flight at a time. */
  async 'failed-logins'(url, { bob }) {
    const client = new RelayClient(url);
    const wrong = { ...bob, secret: 'A'.repeat(43) };
    let done = 0;
    const worker = async () => {
      while (done < 3000) {
        done++;
        await client.listDevices(wrong).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    return `${done} attempts`;
  },
  /** 2,000 sockets from one address. */
  async 'connection-flood'(url) {
    const open: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      try {
        open.push(await rawSocket(url));
      } catch {
        refused++;
      }
    }
    for (const ws of open) ws.terminate();
    return `${open.length} opened, ${refused} refused`;
  },
  /** 256 KiB envelopes to the attacker's own second device, which never reads. */
  async 'push-buffers'(url, { mallory }) {
    const reader = await rawSocket(url, mallory[1]);
    reader.pause();
    const socket = await new RelayClient(url).connect(mallory[0]!);
    const content = new Uint8Array(256 * 1024 - 64);
    let stored = 0;
    for (let i = 0; i < 600; i++) {
      await socket.send(`big-${i}`, [{ destination: to(mallory[1]!), content }]).then(
        () => stored++,
        () => undefined,
      );
    }
    socket.close();
    reader.terminate();
    return `${stored} envelopes of 256 KiB stored`;
  },
  /** Link tokens asked for in a loop (each would add a device). */
  async 'device-adds'(url, { mallory }) {
    const client = new RelayClient(url);
    let added = 0;
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      try {
        const { linkToken } = await client.createLinkToken(mallory[0]!);
        await client.addDevice(linkToken, randomDeviceKeys());
        added++;
      } catch {
        refused++;
      }
    }
    return `${added} devices added, ${refused} refused`;
  },
};

/** The victim: alice sends to bob at `rate` per second; round trips until stopped. */
async function runVictim(url: string, accounts: Accounts, rate: number) {
  const client = new RelayClient(url);
  const sender = await client.connect(accounts.alice);
  const receiver = await client.connect(accounts.bob);
  const sentAt = new Map<string, number>();
  let latencies: number[] = [];
  let errors = 0;
  receiver.onEnvelope = (envelope) => {
    const started = sentAt.get(envelope.clientId);
    if (started !== undefined) latencies.push(performance.now() - started);
    sentAt.delete(envelope.clientId);
    receiver.ack([envelope.serverId]);
  };
  let n = 0;
  const timer = setInterval(() => {
    const clientId = `victim-${++n}`;
    sentAt.set(clientId, performance.now());
    sender
      .send(clientId, [{ destination: to(accounts.bob), content: new Uint8Array(200) }])
      .catch(() => errors++);
  }, 1000 / rate);
  return {
    /** The round trips since the last call, plus those still unanswered (counted as lost). */
    take(): { p99: number; count: number; errors: number; unanswered: number } {
      const taken = latencies.sort((a, b) => a - b);
      latencies = [];
      const p99 =
        taken.length === 0
          ? NaN
          : taken[Math.min(taken.length - 1, Math.floor(taken.length * 0.99))]!;
      const now = performance.now();
      const unanswered = [...sentAt.values()].filter((at) => now - at > 1000).length;
      const result = { p99, count: taken.length, errors, unanswered };
      errors = 0;
      return result;
    },
    stop(): void {
      clearInterval(timer);
      sender.close();
      receiver.close();
    },
  };
}

async function stallMs(url: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('parley_relay_event_loop_delay_max_seconds '));
    return line ? Number(line.split(' ')[1]) * 1000 : null;
  } catch {
    return null;
  }
}

async function register(client: RelayClient, name: string): Promise<Credentials> {
  return client.register(
    `${name}_${Math.random().toString(36).slice(2, 8)}`,
    randomEcPublicKey(),
    randomDeviceKeys({ oneTimePreKeys: 100 }),
  );
}

function startRelay(main: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [main, '--port', '0', '--data-dir', dataDir, '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'relay listening')
          resolve({ child, url: `http://127.0.0.1:${entry.port}` });
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
}

function runAttacker(name: AttackName, url: string, accounts: Accounts): Promise<string> {
  const child = fork(
    fileURLToPath(import.meta.url),
    ['--attacker', name, url, JSON.stringify(accounts)],
    {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ATTACK_MS);
    let summary = 'stopped at the time limit';
    child.on('message', (message) => (summary = String(message)));
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(summary);
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      relay: { type: 'string' },
      attacks: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  const relayMain = values.relay ?? fileURLToPath(new URL('../main.js', import.meta.url));
  const selected = (values.attacks?.split(',') ?? attackNames) as AttackName[];
  for (const name of selected) {
    if (!attackNames.includes(name))
      throw new Error(`unknown attack ${name}: ${attackNames.join(', ')}`);
  }
  const rate = Number(values.rate ?? 20);
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-abuse-'));
  const relay = await startRelay(relayMain, dataDir);
  const log = (line: string) => console.log(line);
  const rows: Array<{
    attack: string;
    p99: number;
    rssGrowthMb: number;
    stalls: number | null;
    maxStallMs: number | null;
    lost: number;
  }> = [];
  try {
    const client = new RelayClient(relay.url);
    const malloryFirst = await register(client, 'mallory');
    const { linkToken } = await client.createLinkToken(malloryFirst);
    const mallorySecond = await client.addDevice(linkToken, randomDeviceKeys());
    const alice = await register(client, 'alice');
    const bob = await register(client, 'bob');
    const accounts: Accounts = { mallory: [malloryFirst, mallorySecond], alice, bob };
    // Bob writes to Alice first, so Alice is a known sender to him (not a stranger).
    const bobSocket = await client.connect(bob);
    await bobSocket.send('hello', [{ destination: to(alice), content: new Uint8Array(10) }]);
    bobSocket.close();
    const victim = await runVictim(relay.url, accounts, rate);
    await new Promise((r) => setTimeout(r, 2000)); // warm-up
    victim.take();
    for (const name of selected) {
      await stallMs(relay.url); // resets the relay's maximum
      const rssBefore = rssKb(relay.child.pid!);
      let rssMax = rssBefore;
      let stalls: number | null = 0;
      let maxStall: number | null = 0;
      const sampler = setInterval(() => {
        if (relay.child.exitCode !== null) return; // reported below
        rssMax = Math.max(rssMax, rssKb(relay.child.pid!));
        void stallMs(relay.url).then((ms) => {
          if (ms === null || stalls === null || maxStall === null)
            return void (stalls = maxStall = null);
          maxStall = Math.max(maxStall, ms);
          if (ms > STALL_MS) stalls++;
        });
      }, SAMPLE_MS);
      const summary = await runAttacker(name, relay.url, accounts);
      await new Promise((r) => setTimeout(r, 1000)); // the victim's last round trips land
      clearInterval(sampler);
      if (relay.child.exitCode !== null) throw new Error(`the relay died during ${name}`);
      rssMax = Math.max(rssMax, rssKb(relay.child.pid!));
      const v = victim.take();
      const row = {
        attack: name,
        p99: Math.round(v.p99 * 10) / 10,
        rssGrowthMb: Math.round(((rssMax - rssBefore) / 1024) * 10) / 10,
        stalls,
        maxStallMs: maxStall === null ? null : Math.round(maxStall),
        lost: v.unanswered + v.errors,
      };
      rows.push(row);
      log(
        `${name}: ${summary}; victim p99 ${row.p99} ms over ${v.count} round trips (${row.lost} errors or unanswered), relay RSS +${row.rssGrowthMb} MB, stalls > ${STALL_MS} ms: ${stalls ?? 'n/a'} (max ${row.maxStallMs ?? 'n/a'} ms)`,
      );
    }
    victim.stop();
  } finally {
    relay.child.kill('SIGTERM');
    await new Promise((r) => relay.child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const max = (values: number[]) =>
    values.length ? Math.max(...values.map((v) => (Number.isNaN(v) ? Infinity : v))) : 0;
  const baseline = rows.find((r) => r.attack === 'none');
  const attacked = rows.filter((r) => r.attack !== 'none');
  const stallCounts = attacked.map((r) => r.stalls);
  console.log(
    JSON.stringify({
      bench: 'abuse',
      attacks: attacked.length,
      victim_p99_ms_max: max(attacked.map((r) => r.p99)),
      relay_rss_growth_mb_max: max(attacked.map((r) => r.rssGrowthMb)),
      stalls_over_100ms: stallCounts.includes(null)
        ? null
        : stallCounts.reduce((a, b) => a! + b!, 0),
      victim_lost: attacked.reduce((sum, r) => sum + r.lost, 0),
      victim_p99_ms_baseline: baseline?.p99 ?? null,
      stalls_over_100ms_baseline: baseline?.stalls ?? null,
      load_average_1m: Math.round(loadavg()[0]! * 10) / 10,
    }),
  );
}

async function attacker(): Promise<void> {
  const [, name, url, accounts] = process.argv.slice(2);
  const summary = await attacks[name as AttackName](url!, JSON.parse(accounts!) as Accounts);
  process.send?.(summary);
  process.exit(0);
}

if (process.argv[2] === '--attacker') void attacker();
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
