import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { newClientId } from '@parley/protocol';
import {
  RelayClient,
  randomDeviceKeys,
  randomEcPublicKey,
  type Credentials,
  type RelaySocket,
} from '@parley/relay-client';

/**
 * The cross-process traffic of bench:scale (decision 0162): pairs of devices whose sender and
 * receiver sit on different relay processes (every message is routed through Redis), paced
 * sends between them, and the floor any such delivery pays (a PostgreSQL commit, then a Redis
 * publish), probed while the traffic runs.
 */

export interface Pairs {
  pairs: { sender: RelaySocket; to: Credentials }[];
  /** Where receivers put send -> push latencies (ms); undefined outside a measured window. */
  sink: number[] | undefined;
}

export async function openPairs(urls: string[], count: number): Promise<Pairs> {
  const http = new RelayClient(urls[0]!);
  const result: Pairs = { pairs: [], sink: undefined };
  for (let i = 0; i < count; i++) {
    const register = () =>
      http.register(
        `pair_${i}_${randomBytes(4).toString('hex')}`,
        randomEcPublicKey(),
        randomDeviceKeys(),
      );
    const [from, to] = await Promise.all([register(), register()]);
    const sender = await new RelayClient(urls[i % urls.length]!).connect(from);
    const receiver = await new RelayClient(urls[(i + 1) % urls.length]!).connect(to);
    receiver.onEnvelope = (envelope) => {
      receiver.ack([envelope.serverId]);
      const sentAt = Buffer.from(envelope.content).readDoubleLE(0);
      result.sink?.push(performance.now() - sentAt);
    };
    result.pairs.push({ sender, to });
  }
  return result;
}

export interface PacedResult {
  latencies: number[];
  measuredMs: number;
  sent: number;
  /** Sends made inside the measured window (after the warm-up). */
  measuredSent: number;
  sendErrors: number;
}

/**
 * Open loop: every millisecond (a timer, so the sender sleeps between ticks instead of
 * spinning on setImmediate and taking a core), sends as many messages as the schedule says are
 * due. Client ids are time-ordered, as the core makes them (0156). `measuring` is called when
 * the warm-up ends and the measured window begins.
 */
export async function pacedRun(
  traffic: Pairs,
  rate: number,
  warmupMs: number,
  durationMs: number,
  measuring: () => void = () => undefined,
): Promise<PacedResult> {
  const { pairs } = traffic;
  const intervalMs = 1000 / rate;
  const latencies: number[] = [];
  let sent = 0;
  let sendErrors = 0;
  let firstSendError: string | undefined;
  const started = performance.now();
  let measuredFrom = 0;
  let sentBefore = 0;
  for (;;) {
    const now = performance.now();
    if (traffic.sink === undefined && now - started >= warmupMs) {
      traffic.sink = latencies;
      measuredFrom = now;
      sentBefore = sent;
      measuring();
    }
    if (now - started >= warmupMs + durationMs) break;
    while (sent < (now - started) / intervalMs) {
      const pair = pairs[sent % pairs.length]!;
      const content = Buffer.alloc(200);
      content.writeDoubleLE(performance.now(), 0);
      const destination = { accountId: pair.to.accountId, deviceId: pair.to.deviceId };
      pair.sender.send(newClientId(), [{ destination, content }]).catch((error: unknown) => {
        sendErrors++;
        firstSendError ??= String(error);
      });
      sent++;
    }
    await sleep(1);
  }
  const measuredMs = performance.now() - measuredFrom;
  traffic.sink = undefined;
  if (sendErrors > 0) {
    process.stderr.write(`${sendErrors} of ${sent} sends failed (first: ${firstSendError})\n`);
  }
  return { latencies, measuredMs, sent, measuredSent: sent - sentBefore, sendErrors };
}

/**
 * Times, one after another until stopped, what every routed delivery must pay at least: a
 * one-row PostgreSQL commit (WAL flush) and a Redis PUBLISH round trip. Resolves with the times
 * of the probes that started at or after `from` (performance.now(), read when stopping: the
 * measured window opens after the probe has started).
 */
export function floorProbe(
  databaseUrl: string,
  redisUrl: string,
): { stop(from: number): Promise<number[]> } {
  let running = true;
  const done = (async () => {
    const db = new pg.Client({ connectionString: databaseUrl });
    // PostgreSQL stopped under it (SIGINT/SIGTERM stop the bench mid-run): not a crash.
    db.on('error', () => undefined);
    const redis = new Redis(redisUrl);
    await db.connect();
    await db.query('CREATE TABLE IF NOT EXISTS bench_floor (at double precision)');
    const probes: { started: number; ms: number }[] = [];
    while (running) {
      const started = performance.now();
      await db.query('BEGIN');
      await db.query('INSERT INTO bench_floor VALUES ($1)', [started]);
      await db.query('COMMIT');
      await redis.publish('bench-floor', 'x');
      probes.push({ started, ms: performance.now() - started });
      await sleep(10);
    }
    await db.end();
    redis.disconnect();
    return probes;
  })();
  done.catch(() => undefined); // rejects through stop(); unawaited only when the bench is killed
  return {
    async stop(from: number) {
      running = false;
      return (await done).filter((probe) => probe.started >= from).map((probe) => probe.ms);
    },
  };
}
