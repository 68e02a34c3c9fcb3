/**
 * One bare device of the floor benchmark (floor.ts), run in its own worker thread: libsignal with
 * in-memory stores, a raw fake-indexeddb database (no Dexie) and the relay's test client, doing
 * per message only the steps the architecture requires (see floor.ts). BENCH_FLOOR_NO_IDB=1
 * leaves IndexedDB out entirely, to split the floor into crypto + relay and storage.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import * as Signal from '@signalapp/libsignal-client';
import {
  EnvelopeType,
  MAX_REGISTRATION_ID,
  MAX_REQUESTS_IN_FLIGHT,
  type Envelope,
} from '@parley/protocol';
import { RelayClient, type Credentials, type RelaySocket } from '@parley/relay-client';
import { openDatabase, write, type IdbDatabase } from './floor-idb.js';
import { Identities, PreKeys, Sessions, b64, bundleFromRelay } from './floor-signal.js';
import { sharedNow, threadUsage, type ThreadUsage } from './measure.js';

/** A sent message: id, and when its send started, its outbox row was durable, the relay acked. */
export type SentTimes = [id: string, start: number, written: number, relayed: number];
/** A received message: id, and when it was pushed to this device and when it was durable here. */
export type ReceivedTimes = [id: string, pushed: number, durable: number];

/** Commands the main thread sends (floor.ts); every one answers once. */
export interface FloorCommands {
  setup(args: { relayUrl: string; name: string; indexedDb: boolean }): Credentials;
  /** Sets the peer; the initiator fetches its bundle and starts the session. */
  pair(args: { accountId: string; deviceId: number; initiate: boolean }): void;
  /** Sends one message; resolves once its outbox row is deleted. */
  send(): SentTimes;
  /** Sends `perSecond` messages a second for `seconds` (5 ms ticks); resolves once all are sent. */
  rate(args: { perSecond: number; seconds: number }): SentTimes[];
  /** Waits until `count` messages were received since the last collect (or the timeout). */
  collect(args: { count: number; timeoutMs: number }): ReceivedTimes[];
  /** What this thread used so far (Linux /proc/thread-self). */
  usage(): ThreadUsage;
  close(): void;
}

/** Runs tasks one at a time: libsignal's store calls are async, so two encrypts must not interleave. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * At most `size` relay requests on the socket: beyond MAX_REQUESTS_IN_FLIGHT the relay answers
 * RATE_LIMITED, which a stall of a second at 250 msg/s reaches. Later sends wait for a slot.
 */
class Window {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    }
  }
}

// --- The device

const PAYLOAD_BYTES = 80; // about a real Content of a short text
const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Device {
  readonly sessions = new Sessions();
  readonly outbound = new Serial();
  readonly inbound = new Serial();
  readonly requests = new Window(MAX_REQUESTS_IN_FLIGHT);
  peer: { address: Signal.ProtocolAddress; accountId: string; deviceId: number } | undefined;
  private sequence = 0;
  private received: ReceivedTimes[] = [];
  private waiter: { count: number; wake: () => void } | undefined;
  private failure: unknown;

  constructor(
    readonly name: string,
    readonly relay: RelayClient,
    readonly auth: Credentials,
    readonly identities: Identities,
    readonly preKeys: PreKeys,
    readonly socket: RelaySocket,
    readonly db: IdbDatabase | undefined,
  ) {
    this.local = Signal.ProtocolAddress.new(auth.accountId, auth.deviceId);
    socket.onEnvelope = (envelope) => this.receive(envelope).catch((error) => this.fail(error));
  }

  /** Addresses are native objects: made once, not per message. */
  readonly local: Signal.ProtocolAddress;
  private readonly sources = new Map<string, Signal.ProtocolAddress>();

  /** Encrypt -> outbox row + session in one transaction -> relay send -> delete the outbox row. */
  async send(): Promise<SentTimes> {
    const start = sharedNow();
    const id = `${this.name}.${++this.sequence}`;
    const peer = this.requirePeer();
    const { message, written } = await this.outbound.run(async () => {
      const plaintext = encoder.encode(id.padEnd(PAYLOAD_BYTES, ' '));
      const message = await Signal.signalEncrypt(
        plaintext,
        peer.address,
        this.local,
        this.sessions,
        this.identities,
      );
      const session = this.sessionBytes(peer.address);
      const content = message.serialize();
      const written = write(this.db, ['outbox', 'sessions'], (tx) => {
        tx.objectStore('outbox').put({ id, content, to: peer.accountId });
        tx.objectStore('sessions').put({ address: peer.address.toString(), record: session });
      });
      return { message: { content, type: message.type() }, written };
    });
    await written;
    const writtenAt = sharedNow();
    const type =
      message.type === Signal.CiphertextMessageType.PreKey
        ? EnvelopeType.PREKEY_MESSAGE
        : EnvelopeType.SIGNAL_MESSAGE;
    const destination = { accountId: peer.accountId, deviceId: peer.deviceId };
    await this.requests.run(() =>
      this.socket.send(id, [{ destination, type, content: message.content }]),
    );
    const relayed = sharedNow();
    await write(this.db, ['outbox'], (tx) => tx.objectStore('outbox').delete(id));
    return [id, start, writtenAt, relayed];
  }

  /** Decrypt -> message row + session in one transaction -> ack -> note the receive time. */
  private async receive(envelope: Envelope): Promise<void> {
    const pushed = sharedNow();
    const { id, written } = await this.inbound.run(async () => {
      const source = this.source(envelope);
      const plaintext = await this.decrypt(envelope, source);
      const id = decoder.decode(plaintext).trimEnd();
      const session = this.sessionBytes(source);
      const written = write(this.db, ['messages', 'sessions'], (tx) => {
        tx.objectStore('messages').put({ id, from: source.toString(), body: plaintext });
        tx.objectStore('sessions').put({ address: source.toString(), record: session });
      });
      return { id, written };
    });
    await written;
    this.socket.ack([envelope.serverId]);
    this.received.push([id, pushed, sharedNow()]);
    if (this.waiter && this.received.length >= this.waiter.count) this.waiter.wake();
  }

  private source({ source }: Envelope): Signal.ProtocolAddress {
    const key = `${source?.accountId}.${source?.deviceId}`;
    let address = this.sources.get(key);
    if (!address) {
      address = Signal.ProtocolAddress.new(source?.accountId ?? '', source?.deviceId ?? 0);
      this.sources.set(key, address);
    }
    return address;
  }

  private decrypt(envelope: Envelope, source: Signal.ProtocolAddress): Promise<Uint8Array> {
    const content = envelope.content as Uint8Array<ArrayBuffer>;
    if (envelope.type === EnvelopeType.PREKEY_MESSAGE) {
      const message = Signal.PreKeySignalMessage.deserialize(content);
      const keys = this.preKeys;
      return Signal.signalDecryptPreKey(
        message,
        source,
        this.local,
        this.sessions,
        this.identities,
        keys,
        keys,
        keys,
      );
    }
    const message = Signal.SignalMessage.deserialize(content);
    return Signal.signalDecrypt(message, source, this.local, this.sessions, this.identities);
  }

  async collect(count: number, timeoutMs: number): Promise<ReceivedTimes[]> {
    if (this.received.length < count && this.failure === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.waiter = { count, wake: () => (clearTimeout(timer), resolve()) };
      });
      this.waiter = undefined;
    }
    if (this.failure !== undefined) throw this.failure;
    return this.received.splice(0);
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.waiter?.wake();
  }

  private sessionBytes(address: Signal.ProtocolAddress): Uint8Array {
    const record = this.sessions.records.get(address.toString());
    if (!record) throw new Error(`no session with ${address.toString()}`);
    return record.serialize();
  }

  requirePeer() {
    if (!this.peer) throw new Error('no peer: call pair first');
    return this.peer;
  }
}

async function createDevice(relayUrl: string, name: string, indexedDb: boolean): Promise<Device> {
  const identity = Signal.IdentityKeyPair.generate();
  const registrationId = 1 + Math.floor(Math.random() * MAX_REGISTRATION_ID);
  const preKeys = new PreKeys(identity);
  const relay = new RelayClient(relayUrl);
  const username = `fl${Date.now().toString(36)}${name}`.toLowerCase();
  const identityKey = b64(identity.publicKey.serialize());
  const auth = await relay.register(username, identityKey, preKeys.published(registrationId));
  const db = indexedDb ? await openDatabase(`floor-${name}-${auth.accountId}`) : undefined;
  const socket = await relay.connect(auth);
  const identities = new Identities(identity, registrationId);
  return new Device(name, relay, auth, identities, preKeys, socket, db);
}

/** The initiator fetches the peer's bundle from the relay and processes it (X3DH + PQXDH). */
async function startSession(device: Device): Promise<void> {
  const peer = device.requirePeer();
  const bundles = await device.relay.fetchBundles(device.auth, peer.accountId, peer.deviceId);
  const bundle = bundleFromRelay(bundles);
  await Signal.processPreKeyBundle(
    bundle,
    peer.address,
    device.local,
    device.sessions,
    device.identities,
  );
}

/**
 * Sends due messages every 5 ms tick, as client-thread.ts's `rate` paces sendText. The first
 * failure rejects at once (an unhandled rejection would kill the thread).
 */
async function sendAtRate(device: Device, perSecond: number, seconds: number) {
  const sends: Array<Promise<SentTimes>> = [];
  let failure: unknown;
  const start = performance.now();
  let due = 0;
  while (performance.now() - start < seconds * 1000) {
    const target = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; due < target; due++) {
      const sent = device.send();
      sent.catch((error: unknown) => (failure ??= error));
      sends.push(sent);
    }
    if (failure !== undefined) throw failure;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Promise.all(sends);
}

function serve(port: NonNullable<typeof parentPort>): void {
  let device: Device | undefined;
  const current = () => device ?? Promise.reject(new Error('no device: call setup first'));
  const commands: {
    [C in keyof FloorCommands]: (
      args: Parameters<FloorCommands[C]>[0],
    ) => Promise<ReturnType<FloorCommands[C]>>;
  } = {
    async setup({ relayUrl, name, indexedDb }) {
      device = await createDevice(relayUrl, name, indexedDb);
      return device.auth;
    },
    async pair({ accountId, deviceId, initiate }) {
      const self = await current();
      self.peer = { address: Signal.ProtocolAddress.new(accountId, deviceId), accountId, deviceId };
      if (initiate) await startSession(self);
    },
    send: async () => (await current()).send(),
    rate: async ({ perSecond, seconds }) => sendAtRate(await current(), perSecond, seconds),
    collect: async ({ count, timeoutMs }) => (await current()).collect(count, timeoutMs),
    usage: async () => threadUsage(),
    async close() {
      device?.socket.close();
      device?.db?.close();
      device = undefined;
    },
  };
  port.on(
    'message',
    ({ id, command, args }: { id: number; command: keyof FloorCommands; args: never }) => {
      (commands[command] as (args: unknown) => Promise<unknown>)(args).then(
        (result) => port.postMessage({ id, result }),
        (error: unknown) =>
          port.postMessage({
            id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
    },
  );
}

if (parentPort) serve(parentPort);
