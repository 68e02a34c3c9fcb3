import { create, toBinary } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import {
  EnvelopeType,
  ErrorCode,
  FrameSchema,
  type Envelope,
  type Error as RelayErrorMessage,
  type Request,
  type Response,
  type SendResult,
} from '@parley/protocol';
import { decodeServerFrame, encodeAckFrame, encodeSendRequestFrame } from '@parley/protocol/wire';
import type { Credentials } from './types.js';

export interface SocketOptions {
  /** Source address for the TCP connection (benchmarks spread sockets over 127.0.0.x). */
  localAddress?: string;
  /** Send the AuthRequest right away and wait for its answer (default true). */
  authenticate?: boolean;
  /**
   * Gives up on a socket not open (and authenticated) within this many ms, as real clients do:
   * a TCP connection can be accepted and never answered (a relay process dying with it). None
   * by default.
   */
  timeoutMs?: number;
}

export interface OutgoingMessageInit {
  destination: { accountId: string; deviceId: number };
  type?: EnvelopeType;
  content: Uint8Array;
}

/** An error Response from the relay, with its code and details. */
export class RelayRequestError extends Error {
  override name = 'RelayRequestError';
  constructor(readonly error: RelayErrorMessage) {
    super(`${ErrorCode[error.code]}: ${error.message}`);
  }
  get code(): ErrorCode {
    return this.error.code;
  }
}

type Pending = { resolve: (result: Response['result']) => void; reject: (error: Error) => void };

/**
 * One device socket: requests with ids, pushed envelopes, acks (docs/relay-api.md). Envelopes
 * are buffered for `takeEnvelopes` until `onEnvelope` is set.
 */
export class RelaySocket {
  /** Resolves when the relay says the backlog present at connect time has been pushed. */
  readonly drained: Promise<void>;
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly buffered: Envelope[] = [];
  private waiter: (() => void) | undefined;
  private markDrained!: () => void;
  private handler: ((envelope: Envelope) => void) | undefined;
  /** Called on each DevicesChanged push (a device of the account was added, removed or renamed). */
  onDevicesChanged: (() => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    this.drained = new Promise((resolve) => (this.markDrained = resolve));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        const error = new Error(`socket closed (${code} ${reason.toString()})`);
        for (const pending of this.pending.values()) pending.reject(error);
        this.pending.clear();
        this.waiter?.();
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('message', (data) => this.onFrame(data as Buffer));
    ws.on('error', () => undefined);
  }

  static async open(
    url: string,
    auth: Credentials,
    options: SocketOptions = {},
  ): Promise<RelaySocket> {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(options.localAddress && { localAddress: options.localAddress }),
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => ws.terminate(), options.timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
        ws.once('close', () => reject(new Error('socket closed before it opened')));
      });
      const socket = new RelaySocket(ws);
      if (options.authenticate ?? true) await socket.authenticate(auth);
      return socket;
    } finally {
      clearTimeout(timer);
    }
  }

  get onEnvelope(): ((envelope: Envelope) => void) | undefined {
    return this.handler;
  }

  /**
   * Setting a handler first hands it the envelopes buffered so far, in the order they came.
   * The relay pushes the mailbox right after its auth answer, often in the same TCP read, so
   * envelopes arrive before a caller awaiting connect() can set this; left in the buffer they
   * would stay unacked and come again only on the next connection, after newer ones.
   */
  set onEnvelope(handler: ((envelope: Envelope) => void) | undefined) {
    this.handler = handler;
    while (handler && this.handler === handler && this.buffered.length > 0) {
      handler(this.buffered.shift()!);
    }
  }

  async authenticate(auth: Credentials): Promise<void> {
    await this.request({ case: 'auth', value: { ...auth } as never });
  }

  /**
   * Sends one message to many devices; resolves once the relay committed it. `ttlSeconds`
   * (SendRequest.ttl_seconds): entries not delivered within it are dropped by the relay.
   */
  send(
    clientId: string,
    messages: OutgoingMessageInit[],
    options: { ttlSeconds?: number } = {},
  ): Promise<SendResult> {
    const id = this.nextId++;
    const frame = encodeSendRequestFrame(
      id,
      clientId,
      messages.map((m) => ({
        accountId: m.destination.accountId,
        deviceId: m.destination.deviceId,
        type: m.type ?? EnvelopeType.SIGNAL_MESSAGE,
        content: m.content,
      })),
      options.ttlSeconds,
    );
    return this.exchange(id, frame).then((result) => {
      if (result.case !== 'send') throw new Error(`unexpected response ${result.case}`);
      return result.value;
    });
  }

  ack(serverIds: readonly (bigint | number)[]): void {
    this.sendRaw(encodeAckFrame(serverIds.map(Number)));
  }

  /** Sends a request and resolves with its non-error result. */
  request(body: Request['body']): Promise<Response['result']> {
    const id = this.nextId++;
    const frame = create(FrameSchema, { kind: { case: 'request', value: { id, body } } });
    return this.exchange(id, toBinary(FrameSchema, frame));
  }

  /** Resolves with the response's result; an error response rejects as RelayRequestError. */
  private exchange(id: number, frame: Uint8Array): Promise<Response['result']> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.sendRaw(frame);
    });
  }

  /** Any bytes or text, as they are (for tests of malformed input). */
  sendRaw(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /** Waits until `count` envelopes are buffered, then returns (and removes) them. */
  async takeEnvelopes(count: number, timeoutMs = 5000): Promise<Envelope[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffered.length < count) {
      if (this.ws.readyState !== WebSocket.OPEN) throw new Error('socket closed while waiting');
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`timed out with ${this.buffered.length} of ${count} envelopes`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.buffered.splice(0, count);
  }

  /** Envelopes received and not yet taken. */
  get bufferedCount(): number {
    return this.buffered.length;
  }

  close(): void {
    this.ws.close();
  }

  /** Drops the TCP connection without a closing handshake (a device that vanishes). */
  terminate(): void {
    this.ws.terminate();
  }

  private onFrame(data: Buffer): void {
    const decoded = decodeServerFrame(data);
    if (decoded.case === 'sendResult') {
      this.settle(decoded.requestId, {
        case: 'send',
        value: {
          $typeName: 'parley.relay.v1.SendResult',
          serverTimestamp: decoded.serverTimestamp,
          rejected: [],
        },
      });
      return;
    }
    if (decoded.case === 'envelope') return this.receive(decoded.envelope);
    const frame = decoded.frame;
    if (frame.kind.case === 'response') {
      this.settle(frame.kind.value.requestId, frame.kind.value.result);
    } else if (frame.kind.case === 'push') {
      const push = frame.kind.value.kind;
      if (push.case === 'envelope') this.receive(push.value);
      else if (push.case === 'drained') this.markDrained();
      else if (push.case === 'devicesChanged') this.onDevicesChanged?.();
    }
  }

  private settle(requestId: number, result: Response['result']): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    if (result.case === 'error') pending.reject(new RelayRequestError(result.value));
    else pending.resolve(result);
  }

  private receive(envelope: Envelope): void {
    if (this.handler) this.handler(envelope);
    else {
      this.buffered.push(envelope);
      this.waiter?.();
    }
  }
}
