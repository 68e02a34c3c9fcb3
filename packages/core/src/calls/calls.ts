import { ParleyError } from '../errors.js';
import { Snapshot } from '../facade/observable.js';
import { AwayCalls } from './away-calls.js';
import { accountOf, CallSession } from './call-session.js';
import { callSignalContent, type ReceivedSignal, type SignalKind } from './call-signal.js';
import { INVITE_MAX_AGE_MS, MAX_CALL_PARTICIPANTS, RING_TIMEOUT_MS } from './limits.js';
import type {
  AwayInvite,
  AwayRinger,
  CallMedia,
  CallNetwork,
  CallOutcome,
  CallPeers,
  CallRecord,
  CallsApi,
  CallView,
  PeerSignal,
} from './types.js';

/** What calls need of the rest of the messenger (wired in facade/create-messenger.ts). */
export interface CallsDeps {
  /** This device as `accountId.deviceId`; undefined before registration. */
  selfDevice(): string | undefined;
  /** The chat's other members (accounts), or undefined when there is no such chat. */
  membersOf(conversationId: string): { accounts: string[]; group: boolean } | undefined;
  titleOf(conversationId: string): string;
  usernameOf(accountId: string, conversationId: string): string;
  /**
   * Encrypts `content` to every device of `accountIds` (and this account's other devices).
   * `expires`: the relay drops it for a device away longer than an invitation rings.
   */
  send(
    accountIds: string[],
    ownDevices: boolean,
    content: Uint8Array<ArrayBuffer>,
    expires: boolean,
  ): void;
  /** Adds the call's entry to the chat's timeline on this device. */
  record(conversationId: string, record: CallRecord): void;
  /** STUN/TURN from the relay; a failure means host candidates only. */
  network(): Promise<CallNetwork>;
  now?(): number;
}

type Ending = CallOutcome | 'silent';

/**
 * The call logic of one device (docs/decisions/0900-calls.md): ringing, first-answer-wins across
 * an account's devices, and a mesh of peer connections in which, of every pair of devices, the
 * one with the smaller address makes the offer. Signals are Content through the outbox; the media
 * side (simple-peer) is the app's CallPeers.
 */
export class Calls implements CallsApi {
  readonly current = new Snapshot<CallView | null>(() => this.view());
  private session: CallSession | undefined;
  private peers: CallPeers | undefined;
  /** Calls that ended here: their late signals must not ring again. */
  private readonly finished = new Set<string>();
  private readonly away = new AwayCalls();
  /** An away invitation the app was opened for, waiting for the media side. */
  private resumed: AwayInvite | undefined;

  constructor(private readonly deps: CallsDeps) {}

  attach(peers: CallPeers): void {
    this.peers = peers;
    const resumed = this.resumed;
    this.resumed = undefined;
    if (resumed) this.resume(resumed);
  }

  ringAway(ringer: AwayRinger): void {
    this.away.attach(ringer);
  }

  resume(invite: AwayInvite): void {
    if (!this.peers) {
      this.resumed = invite;
      return;
    }
    const members = this.deps.membersOf(invite.conversationId);
    // Only what a real invitation could ring: a member calling with members.
    if (!members?.accounts.includes(accountOf(invite.callerDevice))) return;
    const participants = invite.participants.filter((account) =>
      members.accounts.includes(account),
    );
    if (this.finished.has(invite.callId) || this.session?.id === invite.callId) return;
    this.finished.add(invite.callId);
    this.ringIncoming({ ...invite, participants, group: members.group });
  }

  async start(conversationId: string, media: CallMedia): Promise<string> {
    const self = this.requireSelf();
    const peers = this.requirePeers();
    if (this.session) throw new ParleyError('CALL_IN_PROGRESS', 'already in a call');
    const members = this.deps.membersOf(conversationId);
    if (!members || members.accounts.length === 0)
      throw new ParleyError('UNKNOWN_CONVERSATION', 'no such chat');
    if (members.accounts.length + 1 > MAX_CALL_PARTICIPANTS)
      throw new ParleyError(
        'CALL_TOO_LARGE',
        `group calls take at most ${MAX_CALL_PARTICIPANTS} people`,
      );
    const id = crypto.randomUUID();
    const session = new CallSession(
      id,
      conversationId,
      media,
      'outgoing',
      self,
      members.accounts,
      members.group,
    );
    this.session = session;
    this.changed();
    try {
      await peers.start(id, media, await this.network());
    } catch (error) {
      this.session = undefined;
      this.changed();
      throw error;
    }
    if (this.session !== session) return id; // hung up while the camera opened
    this.broadcast(session, {
      case: 'invite',
      video: media === 'video',
      participants: members.accounts,
    });
    session.timer = setTimeout(() => {
      if (!session.answered) this.leave(session, 'unanswered');
    }, RING_TIMEOUT_MS);
    return id;
  }

  async accept(callId: string): Promise<void> {
    const session = this.sessionFor(callId);
    if (session.phase !== 'incoming') return;
    await this.requirePeers().start(
      callId,
      session.media,
      await (session.network ?? this.network()),
    );
    if (this.session !== session) return; // cancelled while the camera opened
    clearTimeout(session.timer);
    session.joined = true;
    session.phase = 'connecting';
    // To every participant (they connect to us) and to our own devices (they stop ringing).
    this.broadcast(session, { case: 'join' }, true);
    this.changed();
  }

  decline(callId: string): void {
    const session = this.session;
    if (session?.id !== callId || session.phase !== 'incoming') return;
    this.send(session, { case: 'decline' }, [session.callerAccountId], true);
    this.end(session, 'declined');
  }

  hangUp(callId: string): void {
    const session = this.session;
    if (session?.id !== callId) return;
    if (session.phase === 'incoming') return this.decline(callId);
    this.leave(session, session.answered ? 'answered' : 'unanswered');
  }

  /** A call signal decrypted from `sender` (delivery/content-handler.ts). */
  receive(signal: ReceivedSignal, sender: { accountId: string; deviceId: number }): void {
    const self = this.deps.selfDevice();
    if (!self || (signal.toDevice && signal.toDevice !== self)) return;
    const from = `${sender.accountId}.${sender.deviceId}`;
    if (from === self) return;
    const own = sender.accountId === accountOf(self);
    if (signal.kind.case === 'invite') {
      if (!own) this.invited(signal, signal.kind, from);
      return;
    }
    if (signal.kind.case === 'missed') {
      if (!own) this.missedNotice(signal, signal.kind.video, from);
      return;
    }
    const session = this.session;
    if (session?.id !== signal.callId) return this.notInSession(signal, from, own);
    if (!own && !session.participants.includes(sender.accountId)) return;
    switch (signal.kind.case) {
      case 'join':
        return this.joined(session, from, own, signal.toDevice !== undefined);
      case 'description':
        return this.described(session, from, signal.kind);
      case 'iceCandidate': {
        const { candidate, sdpMid, sdpMLineIndex } = signal.kind;
        return session.deliver(from, { candidate: { candidate, sdpMid, sdpMLineIndex } });
      }
      case 'ringing':
        session.ringing.add(sender.accountId);
        return this.changed();
      case 'busy':
        if (!session.group && session.direction === 'outgoing' && !session.answered)
          this.end(session, 'busy');
        return;
      case 'decline':
        if (own && session.phase === 'incoming') return this.end(session, 'declined');
        if (!own && !session.group && session.direction === 'outgoing' && !session.answered)
          this.end(session, 'declined');
        return;
      case 'hangup':
        return this.hungUp(session, from);
    }
  }

  private invited(
    signal: ReceivedSignal,
    invite: Extract<SignalKind, { case: 'invite' }>,
    from: string,
  ): void {
    const self = this.deps.selfDevice() as string;
    const callerAccount = accountOf(from);
    const members = this.deps.membersOf(signal.conversationId);
    // Only a member of the chat may ring us from it, and only with its members.
    if (!members?.accounts.includes(callerAccount)) return;
    const participants = [
      callerAccount,
      ...invite.participants.filter(
        (account) => account !== accountOf(self) && members.accounts.includes(account),
      ),
    ];
    if (!invite.participants.includes(accountOf(self))) return;
    if (this.finished.has(signal.callId) || this.session?.id === signal.callId) return;
    this.finished.add(signal.callId);
    this.ringIncoming({
      callId: signal.callId,
      conversationId: signal.conversationId,
      callerDevice: from,
      callerUsername: this.deps.usernameOf(callerAccount, signal.conversationId),
      title: this.deps.titleOf(signal.conversationId),
      media: invite.video ? 'video' : 'audio',
      group: members.group,
      participants,
      createdAt: signal.createdAt,
    });
  }

  /**
   * Rings an invitation here (from a signal, or resumed from an away notification), hands it to
   * the away ringer when this device has no media side, or records it missed: late, or busy.
   */
  private ringIncoming(invite: AwayInvite): void {
    const late = this.now() - invite.createdAt > INVITE_MAX_AGE_MS;
    const caller = accountOf(invite.callerDevice);
    const call = { id: invite.callId, conversationId: invite.conversationId };
    if (!late && !this.peers && this.away.attached) {
      // A notification rings for it: the caller hears that it rings.
      this.send(call, { case: 'ringing' }, [caller], false, invite.callerDevice);
      return this.away.ring(invite);
    }
    if (late || !this.peers) return this.recordMissed(invite);
    if (this.session) {
      this.send(call, { case: 'busy' }, [caller]);
      return this.recordMissed(invite);
    }
    const session = new CallSession(
      invite.callId,
      invite.conversationId,
      invite.media,
      'incoming',
      invite.callerDevice,
      invite.participants,
      invite.group,
    );
    this.session = session;
    this.finished.delete(invite.callId);
    session.network = this.network();
    this.peers.prepare?.();
    this.send(session, { case: 'ringing' }, [caller], false, invite.callerDevice);
    // The caller gives up after RING_TIMEOUT_MS; stop ringing then even if its hang-up is lost.
    session.timer = setTimeout(() => {
      if (this.session === session && session.phase === 'incoming') this.end(session, 'missed');
    }, RING_TIMEOUT_MS);
    this.changed();
  }

  /** A signal for a call this device is not in: an away invitation's end, or a call over. */
  private notInSession(signal: ReceivedSignal, from: string, own: boolean): void {
    const gaveUp = this.away.follow(signal.callId, signal.kind.case, from, own);
    if (gaveUp) this.recordMissed(gaveUp);
    // Its invitation may still come resumed from a notification: it must not ring then.
    if (signal.kind.case === 'hangup') this.finished.add(signal.callId);
  }

  /**
   * The caller gave up unanswered. A device that rang has ended or ends it as missed; one that
   * never saw the invitation (away longer than it lived on the relay) records the missed call now.
   */
  private missedNotice(signal: ReceivedSignal, video: boolean, from: string): void {
    const session = this.session;
    if (session?.id === signal.callId) return this.hungUp(session, from);
    const gaveUp = this.away.follow(signal.callId, 'hangup', from, false);
    const seen = this.finished.has(signal.callId);
    this.finished.add(signal.callId);
    if (gaveUp) return this.recordMissed(gaveUp);
    if (seen) return;
    const members = this.deps.membersOf(signal.conversationId);
    if (!members?.accounts.includes(accountOf(from))) return;
    this.recordMissed({
      conversationId: signal.conversationId,
      media: video ? 'video' : 'audio',
      group: members.group,
    });
  }

  private recordMissed(invite: Pick<AwayInvite, 'conversationId' | 'media' | 'group'>): void {
    this.deps.record(invite.conversationId, {
      direction: 'incoming',
      outcome: 'missed',
      media: invite.media,
      durationMs: 0,
      ...(invite.group ? { group: true } : {}),
    });
  }

  private joined(session: CallSession, from: string, own: boolean, addressed: boolean): void {
    if (own) {
      // Another of our devices answered: first answer wins, this one stops ringing.
      if (session.phase === 'incoming') this.end(session, 'silent');
      return;
    }
    session.answered = true;
    if (!session.joined) return;
    if (session.phase === 'outgoing') session.phase = 'connecting';
    clearTimeout(session.timer);
    const remote = session.remote(from);
    if (!remote.link) {
      const self = this.deps.selfDevice() as string;
      if (self < from) this.connect(session, from, true);
      // The newcomer makes the offer: tell it that we are here.
      else if (!addressed) this.send(session, { case: 'join' }, [accountOf(from)], false, from);
    }
    this.changed();
  }

  private described(
    session: CallSession,
    from: string,
    description: Extract<SignalKind, { case: 'description' }>,
  ): void {
    if (!session.joined) return;
    if (description.type === 'offer' && !session.remote(from).link) {
      session.answered = true;
      this.connect(session, from, false);
    }
    session.deliver(from, { type: description.type, sdp: description.sdp });
  }

  private hungUp(session: CallSession, from: string): void {
    if (session.phase === 'incoming') {
      if (from === session.callerDevice) this.end(session, 'missed');
      return;
    }
    const noneLeft = session.drop(from);
    if (noneLeft && (!session.group || session.answered)) this.end(session, 'answered');
    else this.changed();
  }

  private connect(session: CallSession, device: string, initiator: boolean): void {
    const link = this.requirePeers().link(session.id, device, initiator, {
      signal: (signal) =>
        this.send(session, wireSignal(signal), [accountOf(device)], false, device),
      connected: () => {
        session.remote(device).connected = true;
        if (session.connectedAt === undefined) session.connectedAt = this.now();
        session.phase = 'active';
        this.changed();
      },
      closed: () => {
        if (this.session !== session) return;
        if (session.drop(device)) this.leave(session, session.answered ? 'answered' : 'failed');
        else this.changed();
      },
    });
    session.attachLink(device, link);
  }

  /** Hangs up on everyone and ends the call here. */
  private leave(session: CallSession, ending: Ending): void {
    this.broadcast(session, { case: 'hangup' });
    // Nobody answered: devices that were away, and never got the invitation, learn it was missed.
    if (ending === 'unanswered')
      this.broadcast(session, { case: 'missed', video: session.media === 'video' });
    this.end(session, ending);
  }

  private end(session: CallSession, ending: Ending): void {
    if (this.session !== session) return;
    clearTimeout(session.timer);
    this.session = undefined;
    this.finished.add(session.id);
    session.destroyLinks();
    this.peers?.stop(session.id);
    if (ending !== 'silent') {
      const connected = session.connectedAt !== undefined;
      this.deps.record(session.conversationId, {
        direction: session.direction,
        outcome: ending === 'answered' && !connected ? 'failed' : ending,
        media: session.media,
        durationMs: connected ? this.now() - (session.connectedAt as number) : 0,
        ...(session.group ? { group: true } : {}),
      });
    }
    this.changed();
  }

  private broadcast(session: CallSession, kind: SignalKind, ownDevices = false): void {
    this.send(session, kind, [...session.participants], ownDevices);
  }

  private send(
    call: { id: string; conversationId: string },
    kind: SignalKind,
    accountIds: string[],
    ownDevices = false,
    toDevice?: string,
  ): void {
    this.deps.send(
      accountIds,
      ownDevices,
      callSignalContent({
        callId: call.id,
        conversationId: call.conversationId,
        ...(toDevice ? { toDevice } : {}),
        kind,
      }),
      kind.case !== 'missed',
    );
  }

  private view(): CallView | null {
    const session = this.session;
    if (!session) return null;
    const { conversationId } = session;
    return {
      id: session.id,
      conversationId,
      title: this.deps.titleOf(conversationId),
      group: session.group,
      media: session.media,
      direction: session.direction,
      phase: session.phase,
      callerUsername: this.deps.usernameOf(session.callerAccountId, conversationId),
      participants: session.participants.map((accountId) => {
        const entry = [...session.remotes].find(([, remote]) => remote.accountId === accountId);
        return {
          device: entry?.[0] ?? '',
          accountId,
          username: this.deps.usernameOf(accountId, conversationId),
          ringing: session.ringing.has(accountId),
          connected: entry?.[1].connected ?? false,
        };
      }),
      ...(session.connectedAt !== undefined ? { connectedAt: session.connectedAt } : {}),
    };
  }

  private sessionFor(callId: string): CallSession {
    if (this.session?.id !== callId) throw new ParleyError('UNKNOWN_CALL', 'no such call');
    return this.session;
  }

  private requireSelf(): string {
    const self = this.deps.selfDevice();
    if (!self) throw new ParleyError('NOT_REGISTERED', 'no account on this device');
    return self;
  }

  private requirePeers(): CallPeers {
    if (!this.peers) throw new ParleyError('CALLS_UNSUPPORTED', 'calls need WebRTC');
    return this.peers;
  }

  private async network(): Promise<CallNetwork> {
    try {
      return await this.deps.network();
    } catch {
      return { iceServers: [], iceTransportPolicy: 'all' };
    }
  }

  private changed(): void {
    this.current.invalidate();
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

function wireSignal(signal: PeerSignal): SignalKind {
  if ('candidate' in signal) return { case: 'iceCandidate', ...signal.candidate };
  return { case: 'description', type: signal.type, sdp: signal.sdp };
}
