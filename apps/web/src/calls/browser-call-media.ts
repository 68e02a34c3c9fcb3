import type SimplePeer from 'simple-peer';
import type { CallMedia, CallNetwork, CallPeers, PeerLink, PeerLinkHandlers } from '@parley/core';
import { describeMediaError, MediaAccessError } from './media-errors.js';
import { qualityOf, sampleOf, type NetworkQuality, type StatsSample } from './network-quality.js';

/** What the call screen shows of the media: streams, switches, quality. */
export interface CallMediaState {
  local?: MediaStream;
  /** Remote device (`accountId.deviceId`) -> its stream. */
  remotes: ReadonlyMap<string, MediaStream>;
  muted: boolean;
  cameraOff: boolean;
  quality?: NetworkQuality;
}

const IDLE: CallMediaState = { remotes: new Map(), muted: false, cameraOff: false };
/** How often the quality indicator re-reads getStats. */
const STATS_INTERVAL_MS = 2_000;

interface ActiveCall {
  id: string;
  stream: MediaStream;
  network: CallNetwork;
  Peer: typeof SimplePeer;
  peers: Map<string, SimplePeer.Instance>;
  samples: Map<string, StatsSample>;
  statsTimer: ReturnType<typeof setInterval>;
}

/**
 * The browser's media side of calls (core's CallPeers): camera and microphone from getUserMedia,
 * one simple-peer connection per remote device, and the switches of the call screen. simple-peer
 * is loaded when the first call starts, so it costs the initial bundle nothing.
 */
export class BrowserCallMedia implements CallPeers {
  private state: CallMediaState = IDLE;
  private readonly listeners = new Set<() => void>();
  private call: ActiveCall | undefined;

  subscribe = (onChange: () => void): (() => void) => {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  };

  getSnapshot = (): CallMediaState => this.state;

  prepare(): void {
    void loadSimplePeer().catch(() => {});
  }

  async start(callId: string, media: CallMedia, network: CallNetwork): Promise<void> {
    const video = media === 'video';
    const [{ default: Peer }, stream] = await Promise.all([
      loadSimplePeer(),
      navigator.mediaDevices.getUserMedia({ audio: true, video }).catch((error: unknown) => {
        throw new MediaAccessError(describeMediaError(error, video));
      }),
    ]);
    this.stopCall();
    const statsTimer = setInterval(() => void this.readQuality(), STATS_INTERVAL_MS);
    this.call = {
      id: callId,
      stream,
      network,
      Peer,
      peers: new Map(),
      samples: new Map(),
      statsTimer,
    };
    this.update({ ...IDLE, local: stream });
  }

  link(callId: string, device: string, initiator: boolean, handlers: PeerLinkHandlers): PeerLink {
    const call = this.call;
    if (call?.id !== callId) throw new Error('no media for this call');
    const peer = new call.Peer({
      initiator,
      stream: call.stream,
      trickle: true,
      config: {
        iceServers: call.network.iceServers,
        iceTransportPolicy: call.network.iceTransportPolicy,
      },
    });
    call.peers.set(device, peer);
    this.applySwitches(peer);
    peer.on('signal', (data: SimplePeer.SignalData) => {
      if ((data.type === 'offer' || data.type === 'answer') && data.sdp)
        handlers.signal({ type: data.type, sdp: data.sdp });
      else if ('candidate' in data && data.candidate)
        handlers.signal({
          candidate: {
            candidate: data.candidate.candidate,
            sdpMid: data.candidate.sdpMid ?? '',
            sdpMLineIndex: data.candidate.sdpMLineIndex ?? 0,
          },
        });
      // 'renegotiate' / 'transceiverRequest' never happen: tracks are fixed at creation.
    });
    peer.on('stream', (stream: MediaStream) => {
      const remotes = new Map(this.state.remotes);
      remotes.set(device, stream);
      this.update({ ...this.state, remotes });
    });
    peer.on('connect', () => handlers.connected());
    const closed = (reason?: string) => {
      if (call.peers.get(device) !== peer) return;
      call.peers.delete(device);
      const remotes = new Map(this.state.remotes);
      remotes.delete(device);
      this.update({ ...this.state, remotes });
      handlers.closed(reason);
    };
    peer.on('close', () => closed());
    peer.on('error', (error: Error) => closed(error.message));
    return {
      signal: (signal) => peer.signal(signal as SimplePeer.SignalData),
      destroy: () => {
        call.peers.delete(device);
        peer.destroy();
      },
    };
  }

  stop(callId: string): void {
    if (this.call?.id === callId) this.stopCall();
  }

  setMuted(muted: boolean): void {
    this.update({ ...this.state, muted });
    this.applyAllSwitches();
  }

  setCameraOff(cameraOff: boolean): void {
    this.update({ ...this.state, cameraOff });
    this.applyAllSwitches();
  }

  /** Moves the call to another microphone or camera (MediaDeviceInfo.deviceId). */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const call = this.call;
    if (!call) return;
    const fresh = await navigator.mediaDevices
      .getUserMedia(
        kind === 'audio'
          ? { audio: { deviceId: { exact: deviceId } } }
          : { video: { deviceId: { exact: deviceId } } },
      )
      .catch((error: unknown) => {
        throw new MediaAccessError(describeMediaError(error, kind === 'video'));
      });
    const track = fresh.getTracks()[0];
    if (!track || this.call !== call) return track?.stop();
    for (const old of call.stream.getTracks().filter((t) => t.kind === kind)) {
      call.stream.removeTrack(old);
      old.stop();
    }
    call.stream.addTrack(track);
    this.applyAllSwitches();
    // A new MediaStream object, so the preview element picks up the new track.
    this.update({ ...this.state, local: new MediaStream(call.stream.getTracks()) });
  }

  private stopCall(): void {
    const call = this.call;
    if (!call) return;
    this.call = undefined;
    clearInterval(call.statsTimer);
    for (const peer of call.peers.values()) peer.destroy();
    for (const track of call.stream.getTracks()) track.stop();
    this.update(IDLE);
  }

  private applyAllSwitches(): void {
    for (const peer of this.call?.peers.values() ?? []) this.applySwitches(peer);
  }

  /**
   * Mute and camera-off replace the sent track with none: no RTP at all leaves (a disabled track
   * would still send silence and black frames), and the peer connection stays as it is.
   */
  private applySwitches(peer: SimplePeer.Instance): void {
    const call = this.call;
    if (!call) return;
    for (const transceiver of peerConnection(peer).getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      const off = kind === 'audio' ? this.state.muted : this.state.cameraOff;
      const track = call.stream.getTracks().find((t) => t.kind === kind) ?? null;
      const wanted = off ? null : track;
      if (transceiver.sender.track !== wanted)
        void transceiver.sender.replaceTrack(wanted).catch(() => {});
    }
    for (const track of call.stream.getVideoTracks()) track.enabled = !this.state.cameraOff;
  }

  private async readQuality(): Promise<void> {
    const call = this.call;
    if (!call || call.peers.size === 0) return;
    let worst: NetworkQuality = 'good';
    const rank = { good: 0, fair: 1, poor: 2 } as const;
    for (const [device, peer] of call.peers) {
      const sample = sampleOf(await peerConnection(peer).getStats());
      const quality = qualityOf(call.samples.get(device), sample);
      call.samples.set(device, sample);
      if (rank[quality] > rank[worst]) worst = quality;
    }
    if (this.call === call && this.state.quality !== worst)
      this.update({ ...this.state, quality: worst });
  }

  private update(state: CallMediaState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }
}

let simplePeer: Promise<{ default: typeof SimplePeer }> | undefined;

/** simple-peer's chunk, fetched once (while a call rings, or when the first call starts). */
function loadSimplePeer() {
  return (simplePeer ??= import('simple-peer/simplepeer.min.js'));
}

/** simple-peer keeps its RTCPeerConnection as `_pc` (not in its types). */
function peerConnection(peer: SimplePeer.Instance): RTCPeerConnection {
  return (peer as unknown as { _pc: RTCPeerConnection })._pc;
}
