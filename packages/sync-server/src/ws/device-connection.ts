import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  ACK_CREDIT_SLACK,
  AUTH_TIMEOUT_MS,
  CloseCode,
  ErrorCode,
  MAX_REQUESTS_IN_FLIGHT,
  SOCKET_BUFFER_HARD_BYTES,
  SOCKET_BUFFER_SOFT_BYTES,
  FRAMES_PER_TURN,
  type AuthRequest,
  type Request,
  type SendRequest,
} from '@parley/protocol';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import { RelayError } from '../errors.js';
import type { AbuseLimits } from '../limits/abuse-limits.js';
import type { Mailboxes } from '../mailbox/mailboxes.js';
import type { OnlineDevices, Recipient } from '../mailbox/online-devices.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { DeviceRef, SendOutcome, StoredEnvelope } from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';
import { AckTooLarge, decodeClientFrame, type ClientFrame } from '@parley/protocol/wire';
import {
  nextDeviceConnectionState,
  timerOf,
  type DeviceConnectionEvent,
  type DeviceConnectionState,
} from './device-connection-state.js';
import {
  devicesChangedPush,
  drainedPush,
  encodeAuthResult,
  encodeEnvelopePush,
  encodeError,
  encodeSendResult,
} from './frames.js';
import { MailboxStream } from './mailbox-stream.js';
import type { PushBudget } from './push-budget.js';
import type { TurnClock } from './turn-clock.js';
import type { WriteBatcher } from './write-batcher.js';
import type { LastActive } from './last-active.js';

export interface ConnectionDeps {
  store: RelayStore;
  authenticator: Authenticator;
  mailboxes: Mailboxes;
  online: OnlineDevices;
  metrics: RelayMetrics;
  logger: Logger;
  limits: AbuseLimits;
  pushBudget: PushBudget;
  lastActive: LastActive;
  isClosing: () => boolean;
}

/**
 * One device socket: authentication by the first frame, requests with ids, pushes and acks
 * (docs/relay-api.md, "WebSocket"). Everything a client sends is validated here; a bad frame
 * closes only this socket. Its states (unauthenticated, authenticating, authenticated, closed) and
 * their transitions: device-connection-state.ts.
 */
export class DeviceConnection implements Recipient {
  private state: DeviceConnectionState;
  private requestsInFlight = 0;
  /**
   * Ids this socket may still acknowledge: one per envelope pushed on it, plus the window of the
   * device's previous socket. Acks past it are ignored, so a client cannot make the relay delete
   * (or look up) more ids than it was ever sent.
   */
  private ackCredit = ACK_CREDIT_SLACK;
  /** Reading paused because the socket does not read its answers (see afterWrite). */
  private readingPaused = false;
  /** Frames handled in the turn numbered `countedTurn` (see receive). */
  private framesThisTurn = 0;
  private countedTurn = -1;
  /** Frames that arrived past FRAMES_PER_TURN, handled in later turns (at most one read's worth). */
  private backlog: Array<{ data: Buffer; isBinary: boolean }> = [];
  /** A drainBacklog() is scheduled. */
  private backlogScheduled = false;

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws`, corked while a turn writes to it. */
    private readonly socket: Socket,
    private readonly writes: WriteBatcher,
    private readonly turns: TurnClock,
    private readonly deps: ConnectionDeps,
    /** The client's address, for per-address limits. */
    private readonly address: string,
  ) {
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    socket.on('drain', this.onDrain);
    ws.on('close', () => this.onClose());
    // ws reports protocol violations (e.g. an oversized frame) here, then closes the socket.
    ws.on('error', () => undefined);
    const authTimer = setTimeout(
      () => this.close(CloseCode.UNAUTHENTICATED, 'no authentication in time'),
      AUTH_TIMEOUT_MS,
    );
    authTimer.unref();
    this.state = { kind: 'unauthenticated', authTimer };
  }

  get device(): DeviceRef {
    const state = this.state;
    const device =
      state.kind === 'authenticated' || state.kind === 'closed' ? state.device : undefined;
    if (!device) throw new Error('connection is not authenticated');
    return device;
  }

  get isReadingPaused(): boolean {
    return this.readingPaused;
  }

  /** Bytes written to this socket that the client has not taken yet (beyond the kernel's buffer). */
  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  get isAuthenticated(): boolean {
    const state = this.state;
    return (
      state.kind === 'authenticated' || (state.kind === 'closed' && state.device !== undefined)
    );
  }

  offer(envelope: StoredEnvelope): void {
    const state = this.state;
    if (state.kind === 'authenticated') state.stream.offer(envelope);
  }

  recheck(): void {
    const state = this.state;
    if (state.kind === 'authenticated') state.stream.recheck();
  }

  devicesChanged(): void {
    if (this.state.kind === 'authenticated') this.write(devicesChangedPush);
  }

  close(code: number, reason: string): void {
    const state = this.state;
    if (state.kind === 'authenticated') state.stream.stop();
    this.ws.close(code, reason);
  }

  /** A call, not a property read, so that TypeScript keeps no narrowing of it across awaits. */
  private kind(): DeviceConnectionState['kind'] {
    return this.state.kind;
  }

  /** Moves to the next state; a timer the state left owned and the next one does not is cleared. */
  private transition(event: DeviceConnectionEvent): void {
    const previous = this.state;
    const next = nextDeviceConnectionState(previous, event);
    const timer = timerOf(previous);
    if (timer !== undefined && timer !== timerOf(next)) clearTimeout(timer);
    this.state = next;
  }

  /**
   * One socket gets at most FRAMES_PER_TURN frames handled per event-loop turn: the rest of what
   * one read delivered waits in `backlog` with the socket paused, and is handled in the next
   * turns, after every other socket's work. So a socket pipelining thousands of tiny frames never
   * holds the loop that serves everyone for longer than a batch.
   */
  private receive(data: Buffer, isBinary: boolean): void {
    const turn = this.turns.turn;
    if (turn !== this.countedTurn) {
      this.countedTurn = turn;
      this.framesThisTurn = 0;
    }
    if (this.backlog.length > 0 || this.framesThisTurn >= FRAMES_PER_TURN) {
      this.backlog.push({ data, isBinary });
      this.socket.pause(); // again each time: ws resumes a socket when its receiver drains
      this.scheduleBacklog();
      return;
    }
    this.framesThisTurn++;
    this.onMessage(data, isBinary);
  }

  private scheduleBacklog(): void {
    if (this.backlogScheduled) return;
    this.backlogScheduled = true;
    setImmediate(this.drainBacklog);
  }

  /** Next turn: one batch of the backlog, counted against that turn. */
  private readonly drainBacklog = (): void => {
    this.backlogScheduled = false;
    if (this.backlog.length === 0) return;
    const batch = this.backlog.splice(0, FRAMES_PER_TURN);
    this.countedTurn = this.turns.turn;
    this.framesThisTurn = batch.length;
    if (this.backlog.length > 0) this.scheduleBacklog();
    for (const { data, isBinary } of batch) {
      if (this.kind() === 'closed') return;
      this.onMessage(data, isBinary);
    }
    if (this.backlog.length === 0 && !this.readingPaused) this.socket.resume();
  };

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) return this.protocolError('text frames are not accepted');
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(data);
    } catch (error) {
      if (error instanceof AckTooLarge) return this.protocolError('ack names too many ids');
      return this.protocolError('undecodable frame');
    }
    try {
      // Before it authenticates a socket gets no answer but its auth result: anything else
      // (or a frame while its credentials are being checked) closes it at once.
      const isAuth =
        frame.case === 'other' &&
        frame.frame.kind.case === 'request' &&
        frame.frame.kind.value.body.case === 'auth';
      if (this.kind() !== 'authenticated' && !(isAuth && this.kind() === 'unauthenticated')) {
        return this.close(CloseCode.UNAUTHENTICATED, 'authenticate first');
      }
      if (frame.case === 'send') return this.onSend(frame.requestId, frame.send);
      if (frame.case === 'ack') return this.onAck(frame.serverIds);
      if (frame.frame.kind.case === 'request') return this.onRequest(frame.frame.kind.value);
      return this.protocolError('clients send only requests and acks');
    } catch (error) {
      this.deps.logger.error({ err: error }, 'frame handling failed');
      this.close(1011, 'internal error');
    }
  }

  /** Requests other than sends (the decoder hands sends to onSend directly). */
  private onRequest(request: Request): void {
    const { id, body } = request;
    if (this.requestsInFlight >= MAX_REQUESTS_IN_FLIGHT) {
      return this.fail(id, new RelayError(ErrorCode.RATE_LIMITED, 'too many requests in flight'));
    }
    if (body.case === 'auth') return this.track(id, this.authenticate(id, body.value));
    return this.fail(id, new RelayError(ErrorCode.MALFORMED, 'empty request'));
  }

  private onSend(id: number, send: SendRequest): void {
    if (this.requestsInFlight >= MAX_REQUESTS_IN_FLIGHT) {
      return this.fail(id, new RelayError(ErrorCode.RATE_LIMITED, 'too many requests in flight'));
    }
    const state = this.state;
    if (state.kind !== 'authenticated') return this.rejectUnauthenticated(id);
    if (this.deps.isClosing()) {
      return this.fail(id, new RelayError(ErrorCode.UNAVAILABLE, 'relay is shutting down'));
    }
    // The limits answer in frame order (at once in process; in Redis's reply order when shared),
    // so a socket's sends still reach the mailboxes in the order they were written.
    this.requestsInFlight++;
    const done = (error: unknown, outcome?: SendOutcome): void => {
      this.requestsInFlight--;
      if (outcome) this.write(encodeSendResult(id, outcome.result));
      else this.answerFailure(id, error);
    };
    let checked: void | Promise<void>;
    try {
      checked = this.deps.limits.checkSend(state.device, send);
    } catch (error) {
      return done(error); // refused by an in-process limit: answered like the rest
    }
    if (!checked) return this.deps.mailboxes.sendThen(state.device, send, done);
    checked.then(() => this.deps.mailboxes.sendThen(state.device, send, done), done);
  }

  private onAck(serverIds: readonly number[]): void {
    const state = this.state;
    if (state.kind !== 'authenticated') return this.rejectUnauthenticated(0);
    const ids = creditedIds(serverIds, this.ackCredit);
    if (ids.length === 0) return;
    this.ackCredit -= ids.length;
    state.stream.acked(ids);
    this.deps.mailboxes.acknowledge(state.device, ids);
  }

  private async authenticate(id: number, auth: AuthRequest): Promise<void> {
    // The client's mistake, not ours: answered, never an illegal transition.
    if (this.kind() !== 'unauthenticated') {
      throw new RelayError(ErrorCode.CONFLICT, 'this socket is already authenticated');
    }
    this.transition({ type: 'authenticate' });
    let device: DeviceRef;
    try {
      device = await this.deps.authenticator.authenticate(
        auth.accountId,
        auth.deviceId,
        auth.secret,
        this.address,
      );
    } catch (error) {
      if (this.kind() === 'authenticating') this.transition({ type: 'rejected' });
      if (error instanceof RelayError && error.code === ErrorCode.UNAUTHENTICATED) {
        return this.rejectUnauthenticated(id);
      }
      if (error instanceof RelayError && error.code === ErrorCode.RATE_LIMITED) {
        this.fail(id, error);
        return this.close(CloseCode.UNAUTHENTICATED, 'too many failed logins');
      }
      throw error;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    // Nothing can offer it an envelope before start() below: register() and write() are synchronous.
    const stream = new MailboxStream(
      device,
      this.deps.store,
      (envelope) => {
        this.deps.metrics.envelopesOut.inc();
        this.ackCredit++;
        this.write(encodeEnvelopePush(envelope));
      },
      () => this.write(drainedPush),
      (error) => {
        this.deps.logger.error({ err: error }, 'mailbox drain failed');
        this.close(1011, 'internal error');
      },
      this.mayPush,
    );
    this.transition({ type: 'accepted', device, stream });
    this.deps.metrics.connections.dec({ state: 'unauthenticated' });
    this.deps.metrics.connections.inc({ state: 'authenticated' });
    this.deps.online.register(this, CloseCode.REPLACED);
    this.deps.lastActive.connected(device.rowId);
    this.write(encodeAuthResult(id, Date.now()));
    stream.start();
  }

  /**
   * Answers the request when `work` settles: `answer` with its value, or an error response.
   * Sends do not come here: they are called back without a promise (onSend).
   */
  private track<T>(id: number, work: Promise<T>, answer?: (value: T) => void): void {
    this.requestsInFlight++;
    work.then(
      (value) => {
        this.requestsInFlight--;
        answer?.(value);
      },
      (error: unknown) => {
        this.requestsInFlight--;
        this.answerFailure(id, error);
      },
    );
  }

  /** A RelayError's own answer, else INTERNAL (and the error is logged). */
  private answerFailure(id: number, error: unknown): void {
    if (error instanceof RelayError) return this.fail(id, error);
    this.deps.logger.error({ err: error }, 'request failed');
    this.fail(id, new RelayError(ErrorCode.INTERNAL, 'internal error'));
  }

  private fail(id: number, error: RelayError): void {
    this.deps.metrics.frameErrors.inc({ code: error.codeName });
    this.write(encodeError(id, error));
  }

  private rejectUnauthenticated(id: number): void {
    this.fail(id, new RelayError(ErrorCode.UNAUTHENTICATED, 'authenticate first'));
    this.close(CloseCode.UNAUTHENTICATED, 'unauthenticated');
  }

  private protocolError(message: string): void {
    this.fail(0, new RelayError(ErrorCode.MALFORMED, message));
    this.close(CloseCode.PROTOCOL_ERROR, message);
  }

  private write(bytes: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.writes.hold(this.socket);
    this.ws.send(bytes);
    this.afterWrite();
  }

  /**
   * Backpressure from a client that does not read: past the soft limit its frames are no longer
   * read (so it cannot make more answers) and it gets no pushes until its queue drains; past the
   * hard limit it is dropped. Its queue counts against the relay-wide push budget meanwhile.
   */
  private afterWrite(): void {
    const queued = this.socket.writableLength;
    if (queued > SOCKET_BUFFER_HARD_BYTES) {
      this.deps.logger.warn({ queued }, 'socket does not read; closing it');
      this.ws.terminate();
      return;
    }
    if (queued > this.socket.writableHighWaterMark) this.deps.pushBudget.report(this, queued);
    if (queued > SOCKET_BUFFER_SOFT_BYTES && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    }
  }

  private readonly onDrain = (): void => {
    this.deps.pushBudget.report(this, 0);
    if (this.readingPaused) {
      this.readingPaused = false;
      if (this.backlog.length === 0) this.socket.resume();
    }
    this.resumePushes();
  };

  private readonly resumePushes = (): void => {
    const state = this.state;
    if (state.kind === 'authenticated') state.stream.resume();
  };

  /** Whether a push may be queued now: this socket's queue and the relay's budget have room. */
  private readonly mayPush = (): boolean => {
    if (this.socket.writableLength > SOCKET_BUFFER_SOFT_BYTES) return false;
    if (!this.deps.pushBudget.exhausted) return true;
    this.deps.pushBudget.whenRoom(this.resumePushes);
    return false;
  };

  private onClose(): void {
    this.backlog = [];
    const state = this.state;
    this.deps.pushBudget.forget(this, this.resumePushes);
    this.socket.off('drain', this.onDrain);
    this.transition({ type: 'closed' });
    if (state.kind === 'authenticated') {
      state.stream.stop();
      this.deps.online.unregister(this);
      this.deps.metrics.connections.dec({ state: 'authenticated' });
    } else {
      this.deps.metrics.connections.dec({ state: 'unauthenticated' });
    }
  }
}

/**
 * The first `credit` valid ids of an ack: the frame's own array when all of it is (the usual
 * ack), else a filtered copy.
 */
export function creditedIds(serverIds: readonly number[], credit: number): readonly number[] {
  if (serverIds.length <= credit && serverIds.every(isServerId)) return serverIds;
  const ids: number[] = [];
  for (const id of serverIds) {
    if (ids.length >= credit) break;
    if (isServerId(id)) ids.push(id);
  }
  return ids;
}

const isServerId = (id: number) => id > 0 && id <= Number.MAX_SAFE_INTEGER;
