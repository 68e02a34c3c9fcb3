import type { Observable } from '../facade/api.js';

/** The public shapes of calls (re-exported by the package entry). */

export type CallMedia = 'audio' | 'video';

/**
 * outgoing: this device rings the others; incoming: this device rings; connecting: answered,
 * media not flowing yet; active: at least one peer connected.
 */
export type CallPhase = 'outgoing' | 'incoming' | 'connecting' | 'active';

export interface CallParticipantView {
  /** `accountId.deviceId` of a device in the call (empty until one of the account's joins). */
  device: string;
  accountId: string;
  username: string;
  /** Its invitation reached a device that now rings. */
  ringing: boolean;
  /** Media flows with it. */
  connected: boolean;
}

export interface CallView {
  id: string;
  conversationId: string;
  /** The chat's title: the peer's username, or the group's name. */
  title: string;
  group: boolean;
  media: CallMedia;
  direction: 'outgoing' | 'incoming';
  phase: CallPhase;
  callerUsername: string;
  /** Everyone in the call but this account. */
  participants: CallParticipantView[];
  /** When media first flowed (ms since epoch): the duration counts from here. */
  connectedAt?: number;
}

/**
 * An invitation that reached a device whose app is closed (a service worker woken by a push):
 * what its notification shows, and what the app needs to ring it once opened from there.
 */
export interface AwayInvite {
  callId: string;
  conversationId: string;
  /** `accountId.deviceId` of the caller. */
  callerDevice: string;
  callerUsername: string;
  /** The chat's title. */
  title: string;
  media: CallMedia;
  group: boolean;
  /** Every account in the call but this one. */
  participants: string[];
  /** The caller's clock when it invited (ms since epoch): an invite rings for INVITE_MAX_AGE_MS. */
  createdAt: number;
}

/** Where a device without a media side shows calls: the service worker of a closed app. */
export interface AwayRinger {
  ringing(invite: AwayInvite): void;
  /** 'missed': the caller gave up; 'elsewhere': another device of this account answered or declined. */
  ended(callId: string, why: 'missed' | 'elsewhere'): void;
}

/** How a call ended, as the timeline entry of this device says it. */
export type CallOutcome = 'answered' | 'missed' | 'declined' | 'unanswered' | 'busy' | 'failed';

/** A call's entry in a conversation's timeline: local to this device, never synced. */
export interface CallRecord {
  direction: 'outgoing' | 'incoming';
  outcome: CallOutcome;
  media: CallMedia;
  /** From media flowing to hang-up; 0 when it never flowed. */
  durationMs: number;
  group?: boolean;
}

/** One WebRTC signalling message as simple-peer emits and takes it. */
export type PeerSignal =
  | { type: 'offer' | 'answer'; sdp: string }
  | { candidate: { candidate: string; sdpMid: string; sdpMLineIndex: number } };

export interface PeerLinkHandlers {
  signal(signal: PeerSignal): void;
  connected(): void;
  closed(reason?: string): void;
}

/** One peer connection with one remote device. */
export interface PeerLink {
  signal(signal: PeerSignal): void;
  destroy(): void;
}

/**
 * The media side of calls, which only the app can provide (core runs in Node too, where there is
 * no WebRTC): the browser app implements it with simple-peer and getUserMedia.
 */
/** Where WebRTC finds its way through NATs: the relay's GET /v1/calls/ice-servers. */
export interface CallNetwork {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  /** 'relay': only TURN candidates, so peers never learn each other's addresses. */
  iceTransportPolicy: 'all' | 'relay';
}

export interface CallPeers {
  /** Acquires camera/microphone for the call; throws (in words) when permission is refused. */
  start(callId: string, media: CallMedia, network: CallNetwork): Promise<void>;
  link(
    callId: string,
    remoteDevice: string,
    initiator: boolean,
    handlers: PeerLinkHandlers,
  ): PeerLink;
  /**
   * A call rings: load what accepting will need (code, not camera or microphone, which stay off
   * until the person accepts).
   */
  prepare?(): void;
  /** Releases camera and microphone and closes every link of the call. */
  stop(callId: string): void;
}

export interface CallsApi {
  /** This device's call (ringing, connecting or in progress), null when there is none. */
  readonly current: Observable<CallView | null>;
  /** Rings every device of the chat's other members; resolves with the call id. */
  start(conversationId: string, media: CallMedia): Promise<string>;
  accept(callId: string): Promise<void>;
  decline(callId: string): void;
  /** Leaves the call, or cancels it while it still rings. */
  hangUp(callId: string): void;
  /** Plugs in the media side; until then this device neither rings nor calls. */
  attach(peers: CallPeers): void;
  /**
   * For a device whose app is closed (no media side): fresh invitations go to `ringer`, to be
   * shown as notifications, instead of becoming missed calls at once.
   */
  ringAway(ringer: AwayRinger): void;
  /**
   * The app was opened from an away invitation's notification: it rings here if it is still live
   * (once the media side is attached); if it is over, a missed-call entry says so.
   */
  resume(invite: AwayInvite): void;
}
