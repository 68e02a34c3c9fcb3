import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import {
  CloseCode,
  ErrorCode,
  FrameSchema,
  PUSH_WINDOW,
  type DeviceCredentialsJson,
  type Envelope,
  type Error as RelayErrorMessage,
  type Frame,
  type Response,
  type SendRequestSchema,
  type SendResult,
} from '@parley/protocol';
import {
  STOPPED,
  attemptOf,
  nextRelayConnectionState,
  publicState,
  socketOf,
  timerOf,
  type RelayConnectionEvent,
  type RelayConnectionState,
} from './relay-connection-state.js';
import { RelayError } from './relay-errors.js';
import {
  OPEN,
  type CloseEventLike,
  type MessageEventLike,
  type WebSocketConstructor,
  type WebSocketLike,
} from './websocket.js';

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface RelayConnectionEvents {
  /**
   * Pushed envelopes, in the relay's delivery order. `live`: pushed after this socket's
   * MailboxDrained marker, i.e. stored after the backlog was read; only the backlog can hold
   * envelopes an earlier connection already received (docs/relay-api.md, 0100).
   */
  onEnvelope(envelope: Envelope, live: boolean): void;
  /** Authenticated: sends may flow. */
  onOnline(): void;
  /** The relay's MailboxDrained marker arrived on the current socket. */
  onDrained?(): void;
  /** A device was added to or removed from this account (the relay's DevicesChanged push). */
  onDevicesChanged?(): void;
  onStateChange(state: ConnectionState): void;
  /** The relay refused this device for good (credentials rejected, device removed, replaced). */
  onFatal(error: RelayError): void;
}

/** Reconnect delays: full jitter over an exponentially growing cap (AWS architecture blog's "full jitter"). */
export const RECONNECT_INITIAL_MS = 200;
export const RECONNECT_MAX_MS = 15_000;
/** How long a request may wait for its answer before the socket is considered broken. */
export const REQUEST_TIMEOUT_MS = 15_000;
/**
 * How long a socket may take to open and authenticate before it is given up and the next one
 * tried: a TCP connection can be accepted and never answered (half-open, or handed by a relay's
 * cluster primary to a worker that died with it, decision 0161), and neither the browser nor `ws`
 * ever times a WebSocket handshake out on its own.
 */
export const CONNECT_TIMEOUT_MS = 15_000;
/**
 * Acks wait this long for more ids to share their frame: every frame is a socket write and a
 * wake-up of the relay, which cost this VM 0.1-0.4 ms of CPU each, and a busy receiver acked
 * every batch it committed (docs/decisions/0370). Acks are not on any message's path.
 */
export const ACK_DELAY_MS = 40;
/** Ids that go out at once: well inside the relay's PUSH_WINDOW of unacked pushes per socket. */
export const ACK_BATCH_MAX = PUSH_WINDOW / 4;

/** Settles one request in flight with the relay's result, or undefined when the socket dropped. */
type PendingRequest = (result: Response['result'] | undefined) => void;

export interface RelayConnectionDeps {
  /** The relay's WebSocket URL (`wss://…/v1/websocket`). */
  url: string;
  WebSocket: WebSocketConstructor;
  /** This device's credentials; undefined before registration. */
  credentials(): DeviceCredentialsJson | undefined;
  events: RelayConnectionEvents;
  /** See ACK_DELAY_MS (its default). */
  ackDelayMs?: number;
  /** See CONNECT_TIMEOUT_MS (its default). */
  connectTimeoutMs?: number;
}

/**
 * One authenticated WebSocket to the relay (docs/relay-api.md "WebSocket"), reconnecting with
 * exponential backoff and jitter until stopped. Requests are answered by id; a request in
 * flight when the socket drops fails with UNREACHABLE and is retried by its owner (the outbox).
 * Its states (stopped, idle, waiting, connecting, online) and their transitions:
 * relay-connection-state.ts.
 */
export class RelayConnection {
  /** Named with # because the public `state` getter below reports its public view. */
  #state: RelayConnectionState = STOPPED;
  private nextRequestId = 1;
  /** Requests on the current socket waiting for their answers (settled when it is lost). */
  private readonly pending = new Map<number, PendingRequest>();
  /** What onStateChange was last told. */
  private reported: ConnectionState = 'offline';

  private readonly url: string;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly credentials: () => DeviceCredentialsJson | undefined;
  private readonly events: RelayConnectionEvents;
  private readonly ackDelayMs: number;
  private readonly connectTimeoutMs: number;
  /** Gives the connecting socket up (CONNECT_TIMEOUT_MS); cleared once it authenticates or closes. */
  private connectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: RelayConnectionDeps) {
    this.url = deps.url;
    this.WebSocketImpl = deps.WebSocket;
    this.credentials = () => deps.credentials();
    this.events = deps.events;
    this.ackDelayMs = deps.ackDelayMs ?? ACK_DELAY_MS;
    this.connectTimeoutMs = deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  }

  get state(): ConnectionState {
    return this.reported;
  }

  get online(): boolean {
    return this.#state.kind === 'online';
  }

  /** Online, and the relay has pushed everything the mailbox held when this socket authenticated. */
  get drained(): boolean {
    return this.#state.kind === 'online' && this.#state.drained;
  }

  start(): void {
    if (this.#state.kind !== 'stopped') return;
    this.transition({ type: 'start' });
    this.open();
  }

  stop(): void {
    this.clearConnectTimer();
    this.flushAcks();
    const socket = socketOf(this.#state);
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'client closing');
    }
    this.connectionLost();
    this.transition({ type: 'stop' });
  }

  send(send: MessageInitShape<typeof SendRequestSchema>): Promise<SendResult> {
    const state = this.#state;
    if (state.kind !== 'online' || state.socket.readyState !== OPEN) {
      return Promise.reject(new RelayError('UNREACHABLE', 0, 'not connected to the relay'));
    }
    const socket = state.socket;
    const id = this.takeRequestId();
    return new Promise<SendResult>((resolve, reject) => {
      // A socket that stops answering is broken (half-open TCP, a lost frame): replace it.
      const timer = setTimeout(() => socket.close(4000, 'request timed out'), REQUEST_TIMEOUT_MS);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        if (result?.case === 'send') resolve(result.value);
        else if (result?.case === 'error') reject(toRelayError(result.value));
        else reject(new RelayError('UNREACHABLE', 0, 'connection to the relay lost'));
      });
      this.write(socket, {
        kind: { case: 'request', value: { id, body: { case: 'send', value: send } } },
      });
    });
  }

  /**
   * Fire-and-forget, batched (ACK_DELAY_MS); unacked envelopes are simply pushed again on the next
   * connection, where the inbox recognizes them.
   */
  ack(serverIds: bigint[]): void {
    const state = this.#state;
    if (state.kind !== 'online' || state.socket.readyState !== OPEN || serverIds.length === 0)
      return;
    for (const id of serverIds) state.acks.push(id);
    if (state.acks.length >= ACK_BATCH_MAX || this.ackDelayMs <= 0) this.flushAcks();
    else if (state.ackTimer === undefined) {
      this.transition({
        type: 'acks-scheduled',
        timer: setTimeout(() => this.flushAcks(), this.ackDelayMs),
      });
    }
  }

  private flushAcks(): void {
    const state = this.#state;
    if (state.kind !== 'online') return;
    this.transition({ type: 'acks-flushed' });
    const serverIds = state.acks.splice(0);
    if (serverIds.length === 0) return;
    this.write(state.socket, { kind: { case: 'ack', value: { serverIds } } });
  }

  private open(): void {
    const credentials = this.credentials();
    if (!credentials) {
      this.transition({ type: 'no-credentials' });
      return;
    }
    this.report('connecting');
    let socket: WebSocketLike;
    try {
      socket = new this.WebSocketImpl(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.transition({ type: 'open', socket });
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => this.authenticate(socket, credentials);
    socket.onmessage = (event: MessageEventLike) => this.receive(socket, event.data);
    socket.onerror = () => {};
    socket.onclose = (event: CloseEventLike) => this.closed(socket, event.code);
    this.connectTimer = setTimeout(() => this.giveUp(socket), this.connectTimeoutMs);
  }

  /** A socket still not authenticated after CONNECT_TIMEOUT_MS: closed, and the next one tried. */
  private giveUp(socket: WebSocketLike): void {
    if (this.#state.kind !== 'connecting' || socketOf(this.#state) !== socket) return;
    socket.onclose = null;
    socket.close(4000, 'connect timed out');
    this.scheduleReconnect();
  }

  private clearConnectTimer(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private authenticate(socket: WebSocketLike, credentials: DeviceCredentialsJson): void {
    const id = this.takeRequestId();
    this.pending.set(id, (result) => {
      if (result?.case !== 'auth' || socket !== socketOf(this.#state)) return;
      this.clearConnectTimer();
      this.transition({ type: 'authenticated' });
      this.events.onOnline();
    });
    this.write(socket, {
      kind: {
        case: 'request',
        value: {
          id,
          body: {
            case: 'auth',
            value: {
              accountId: credentials.accountId,
              deviceId: credentials.deviceId,
              secret: credentials.secret,
            },
          },
        },
      },
    });
  }

  private receive(socket: WebSocketLike, data: unknown): void {
    const state = this.#state;
    if (socket !== socketOf(state) || !(data instanceof ArrayBuffer)) return;
    let frame: Frame;
    try {
      frame = fromBinary(FrameSchema, new Uint8Array(data));
    } catch {
      return; // A frame we cannot parse: ignore it rather than crash; the relay resends what matters.
    }
    const kind = frame.kind;
    if (kind.case === 'response') {
      const settle = this.pending.get(kind.value.requestId);
      this.pending.delete(kind.value.requestId);
      settle?.(kind.value.result);
    } else if (kind.case === 'push') {
      const push = kind.value.kind;
      // The relay pushes only after authentication: before it, nothing counts as live.
      if (push.case === 'envelope') {
        this.events.onEnvelope(push.value, state.kind === 'online' && state.drained);
      } else if (push.case === 'drained' && state.kind === 'online') {
        this.transition({ type: 'drained' });
        this.events.onDrained?.();
      } else if (push.case === 'devicesChanged') {
        this.events.onDevicesChanged?.();
      }
    }
  }

  private closed(socket: WebSocketLike, code: number): void {
    if (socket !== socketOf(this.#state)) return;
    this.clearConnectTimer();
    const fatal = fatalCloseReason(code);
    if (fatal) {
      // Unacked ids of this socket's pushes go with it: the next connection pushes them again.
      this.connectionLost();
      this.transition({ type: 'fatal' });
      this.events.onFatal(fatal);
      return;
    }
    this.scheduleReconnect();
  }

  /** Settles the requests of a socket that is gone. */
  private connectionLost(): void {
    for (const settle of this.pending.values()) settle(undefined);
    this.pending.clear();
  }

  /** From a socket that failed to open or was lost: the next one opens after a backoff. */
  private scheduleReconnect(): void {
    const delay = reconnectDelay(attemptOf(this.#state), Math.random());
    const timer: ReturnType<typeof setTimeout> = setTimeout(() => {
      const state = this.#state;
      if (state.kind === 'waiting' && state.timer === timer) this.open();
    }, delay);
    if (socketOf(this.#state)) this.connectionLost();
    this.transition({ type: 'retry', timer });
  }

  private write(
    socket: WebSocketLike,
    frame: Parameters<typeof create<typeof FrameSchema>>[1],
  ): void {
    if (socket.readyState !== OPEN) return;
    socket.send(toBinary(FrameSchema, create(FrameSchema, frame)));
  }

  private takeRequestId(): number {
    const id = this.nextRequestId;
    this.nextRequestId = id >= 0xffffffff ? 1 : id + 1;
    return id;
  }

  /** Moves to the next state: a timer the state left owned is cleared; the public view reported. */
  private transition(event: RelayConnectionEvent): void {
    const previous = this.#state;
    const next = nextRelayConnectionState(previous, event);
    const timer = timerOf(previous);
    if (timer !== undefined && timer !== timerOf(next)) clearTimeout(timer);
    this.#state = next;
    this.report(publicState(next));
  }

  private report(state: ConnectionState): void {
    if (state === this.reported) return;
    this.reported = state;
    this.events.onStateChange(state);
  }
}

/**
 * Delay before reconnect attempt `attempt` (0-based): uniformly random below a cap that doubles from
 * RECONNECT_INITIAL_MS up to RECONNECT_MAX_MS, so a relay restart is not met by every client at once.
 */
export function reconnectDelay(attempt: number, random: number): number {
  return random * Math.min(RECONNECT_MAX_MS, RECONNECT_INITIAL_MS * 2 ** attempt);
}

function toRelayError(error: RelayErrorMessage): RelayError {
  const name = ErrorCode[error.code] ?? 'INTERNAL';
  return new RelayError(name.replace(/^ERROR_CODE_/, ''), 0, error.message, {
    mismatchedDevices: error.mismatchedDevices.map((m) => ({
      accountId: m.accountId,
      missingDevices: [...m.missingDevices],
      extraDevices: [...m.extraDevices],
    })),
    unknownAccounts: [...error.unknownAccounts],
    retryAfterMs: error.retryAfterMs,
  });
}

function fatalCloseReason(code: number): RelayError | undefined {
  if (code === CloseCode.UNAUTHENTICATED)
    return new RelayError('UNAUTHENTICATED', 0, 'the relay rejected this device');
  if (code === CloseCode.DEVICE_REMOVED)
    return new RelayError('DEVICE_REMOVED', 0, 'this device was removed');
  if (code === CloseCode.ACCOUNT_DELETED)
    return new RelayError('ACCOUNT_DELETED', 0, 'this account was deleted');
  if (code === CloseCode.REPLACED)
    return new RelayError('REPLACED', 0, 'another connection took over this device');
  return undefined;
}
