import { ErrorCode, type Envelope } from '@parley/protocol';
import {
  RelayClient,
  RelayRequestError,
  type Credentials,
  type RelaySocket,
} from '@parley/relay-client';
import { address, bytes, text } from '../../support/accounts.js';

/** Connection attempts (or send attempts of one message) before a client gives up. */
const MAX_ATTEMPTS = 400;
/** The clients' reconnect backoff, as real clients have: 10 ms more per failed attempt, capped. */
const BACKOFF_STEP_MS = 10;
const MAX_BACKOFF_MS = 200;
/**
 * A connection attempt not authenticated within this is given up and the next one made, as the
 * app's client does (core's CONNECT_TIMEOUT_MS): a connection the cluster primary handed to a
 * worker just as it was killed is accepted and never answered (decision 0161).
 */
const CONNECT_TIMEOUT_MS = 10_000;

const backoff = (attempt: number) =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.min(attempt * BACKOFF_STEP_MS, MAX_BACKOFF_MS)),
  );

/** Errors a client retries: the relay or its database is away for a moment. */
function retryable(error: unknown): boolean {
  if (!(error instanceof RelayRequestError)) return true; // socket closed, refused, reset
  return error.code === ErrorCode.INTERNAL || error.code === ErrorCode.UNAVAILABLE;
}

/**
 * A device socket that reconnects when it closes: to the relays in turn, starting after the
 * one it was on (a killed relay refuses, the next one takes it).
 */
export class ReconnectingDevice {
  private socket: RelaySocket | undefined;
  private connecting: Promise<RelaySocket> | undefined;
  private next: number;
  private stopped = false;
  reconnects = 0;

  constructor(
    private readonly urls: readonly string[],
    first: number,
    readonly credentials: Credentials,
    private readonly onEnvelope?: (socket: RelaySocket, envelope: EnvelopeLike) => void,
  ) {
    this.next = first;
  }

  /** The open socket, or a new one once connected. */
  connected(): Promise<RelaySocket> {
    if (this.socket) return Promise.resolve(this.socket);
    return (this.connecting ??= this.connect().finally(() => (this.connecting = undefined)));
  }

  /** A fresh socket (closing the current one) that has received its whole backlog. */
  async reconnectAndDrain(): Promise<void> {
    const old = this.socket;
    this.socket = undefined;
    old?.close();
    if (old) await old.closed;
    const socket = await this.connected();
    await socket.drained;
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  private async connect(): Promise<RelaySocket> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (this.stopped) throw new Error('stopped');
      const url = this.urls[this.next % this.urls.length]!;
      try {
        const socket = await new RelayClient(url).connect(this.credentials, {
          timeoutMs: CONNECT_TIMEOUT_MS,
        });
        if (this.onEnvelope) socket.onEnvelope = (envelope) => this.onEnvelope!(socket, envelope);
        this.socket = socket;
        void socket.closed.then(() => {
          if (this.socket !== socket) return;
          this.socket = undefined;
          this.reconnects++;
          this.next++;
          if (!this.stopped && this.onEnvelope) void this.connected().catch(() => undefined);
        });
        return socket;
      } catch {
        this.next++;
        await backoff(attempt);
      }
    }
    throw new Error(`${this.credentials.accountId}: no relay took the connection`);
  }
}

type EnvelopeLike = Envelope;

export interface Counts {
  sent: number;
  acked: number;
  delivered: number;
  duplicated: number;
  lost: number;
  /** The same server id pushed again (its ack was lost with a relay): allowed, dropped by id. */
  redelivered: number;
  outOfOrder: number;
}

/**
 * What one receiving device saw, per sender: messages numbered 0, 1, ... by each sender.
 * `duplicated` counts a message stored twice (two server ids for one sender's message);
 * a redelivery of the same server id is what the protocol allows after a lost ack, and is
 * counted apart (a client drops it by server id).
 */
export class Receiver {
  readonly device: ReconnectingDevice;
  private readonly seenServerIds = new Set<string>();
  readonly firstSeen = new Map<string, number[]>();
  private readonly seenMessages = new Set<string>();
  duplicated = 0;
  redelivered = 0;
  outOfOrder = 0;

  constructor(urls: readonly string[], first: number, credentials: Credentials) {
    this.device = new ReconnectingDevice(urls, first, credentials, (socket, envelope) =>
      this.receive(socket, envelope),
    );
  }

  private receive(socket: RelaySocket, envelope: EnvelopeLike): void {
    socket.ack([envelope.serverId]);
    const serverId = String(envelope.serverId);
    if (this.seenServerIds.has(serverId)) {
      this.redelivered++;
      return;
    }
    this.seenServerIds.add(serverId);
    const source = envelope.source?.accountId ?? '';
    const key = `${source}/${envelope.clientId}`;
    if (this.seenMessages.has(key)) {
      this.duplicated++;
      return;
    }
    this.seenMessages.add(key);
    const index = Number(text(envelope.content));
    const list = this.firstSeen.get(source) ?? [];
    if (list.length > 0 && index < list.at(-1)!) this.outOfOrder++;
    list.push(index);
    this.firstSeen.set(source, list);
  }
}

/**
 * Sends `count` numbered messages one after another to `to`, each retried (same client id)
 * until the relay acks it: a sender's acked messages are 0..acked-1, in order.
 */
export async function sendBurst(
  sender: ReconnectingDevice,
  to: Credentials,
  count: number,
  onAcked: () => void,
): Promise<{ sent: number; acked: number[] }> {
  const acked: number[] = [];
  let sent = 0;
  for (let i = 0; i < count; i++) {
    sent++;
    for (let attempt = 0; ; attempt++) {
      try {
        const socket = await sender.connected();
        await socket.send(`${sender.credentials.accountId}-m${i}`, [
          { destination: address(to), content: bytes(String(i)) },
        ]);
        acked.push(i);
        onAcked();
        break;
      } catch (error) {
        if (!retryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }
  return { sent, acked };
}
