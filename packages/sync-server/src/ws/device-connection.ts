import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  AUTH_TIMEOUT_MS,
  CloseCode,
  ErrorCode,
  MAX_REQUESTS_IN_FLIGHT,
  type AuthRequest,
  type Request,
  type SendRequest,
} from '@parley/protocol';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticator.js';
import { RelayError } from '../errors.js';
import type { Mailboxes } from '../mailbox/mailboxes.js';
import type { OnlineDevices, Recipient } from '../mailbox/online-devices.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { DeviceRef, StoredEnvelope } from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';
import { decodeClientFrame, type ClientFrame } from '@parley/protocol/wire';
import {
  nextDeviceConnectionState,
  timerOf,
  type DeviceConnectionEvent,
  type DeviceConnectionState,
} from './device-connection-state.js';
import {
  drainedPush,
  encodeAuthResult,
  encodeEnvelopePush,
  encodeError,
  encodeSendResult,
} from './frames.js';
import { MailboxStream } from './mailbox-stream.js';
import type { WriteBatcher } from './write-batcher.js';

export interface ConnectionDeps {
  store: RelayStore;
  authenticator: Authenticator;
  mailboxes: Mailboxes;
  online: OnlineDevices;
  metrics: RelayMetrics;
  logger: Logger;
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

  constructor(
    private readonly ws: WebSocket,
    /** The TCP socket under `ws`, corked while a turn writes to it. */
    private readonly socket: Socket,
    private readonly writes: WriteBatcher,
    private readonly deps: ConnectionDeps,
  ) {
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
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

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) return this.protocolError('text frames are not accepted');
    let frame: ClientFrame;
    try {
      frame = decodeClientFrame(data);
    } catch {
      return this.protocolError('undecodable frame');
    }
    try {
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
    const sending = this.deps.mailboxes.send(state.device, send);
    this.track(id, sending, (outcome) => this.write(encodeSendResult(id, outcome.result)));
  }

  private onAck(serverIds: readonly number[]): void {
    const state = this.state;
    if (state.kind !== 'authenticated') return this.rejectUnauthenticated(0);
    const ids = serverIds.filter((id) => id > 0 && id <= Number.MAX_SAFE_INTEGER);
    if (ids.length === 0) return;
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
      );
    } catch (error) {
      if (this.kind() === 'authenticating') this.transition({ type: 'rejected' });
      if (error instanceof RelayError && error.code === ErrorCode.UNAUTHENTICATED) {
        return this.rejectUnauthenticated(id);
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
        this.write(encodeEnvelopePush(envelope));
      },
      () => this.write(drainedPush),
      (error) => {
        this.deps.logger.error({ err: error }, 'mailbox drain failed');
        this.close(1011, 'internal error');
      },
    );
    this.transition({ type: 'accepted', device, stream });
    this.deps.metrics.connections.dec({ state: 'unauthenticated' });
    this.deps.metrics.connections.inc({ state: 'authenticated' });
    this.deps.online.register(this, CloseCode.REPLACED);
    this.write(encodeAuthResult(id, Date.now()));
    stream.start();
  }

  /**
   * Answers the request when `work` settles: `answer` with its value, or an error response (a
   * RelayError's own, else INTERNAL). One then() per request: this runs once per message.
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
        if (error instanceof RelayError) return this.fail(id, error);
        this.deps.logger.error({ err: error }, 'request failed');
        this.fail(id, new RelayError(ErrorCode.INTERNAL, 'internal error'));
      },
    );
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
  }

  private onClose(): void {
    const state = this.state;
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
