import { MAX_PENDING_CANDIDATES } from './limits.js';
import type { CallMedia, CallNetwork, CallPhase, PeerLink, PeerSignal } from './types.js';

/** One remote device of a call: its peer connection, once there is one. */
interface RemoteDevice {
  accountId: string;
  link?: PeerLink;
  connected: boolean;
  /** Candidates that came before the offer that creates the link. */
  pending: PeerSignal[];
}

/** The state of the one call a device is in or rings for. */
export class CallSession {
  phase: CallPhase;
  /** This device takes part (it called, or accepted); before that it only rings. */
  joined: boolean;
  connectedAt?: number;
  /** Set once a remote device joined: the call was answered. */
  answered = false;
  readonly remotes = new Map<string, RemoteDevice>();
  /** Accounts whose invitation made a device ring. */
  readonly ringing = new Set<string>();
  timer?: ReturnType<typeof setTimeout>;
  /** The ICE servers, fetched while the call rings so that accepting does not wait for them. */
  network?: Promise<CallNetwork>;

  constructor(
    readonly id: string,
    readonly conversationId: string,
    readonly media: CallMedia,
    readonly direction: 'outgoing' | 'incoming',
    /** `accountId.deviceId` of the caller. */
    readonly callerDevice: string,
    /** Every account in the call but this one. */
    readonly participants: readonly string[],
    readonly group: boolean,
  ) {
    this.phase = direction;
    this.joined = direction === 'outgoing';
  }

  get callerAccountId(): string {
    return accountOf(this.callerDevice);
  }

  remote(device: string): RemoteDevice {
    let remote = this.remotes.get(device);
    if (!remote) {
      remote = { accountId: accountOf(device), connected: false, pending: [] };
      this.remotes.set(device, remote);
    }
    return remote;
  }

  /** Feeds a signal to the device's link, or keeps it until the link exists. */
  deliver(device: string, signal: PeerSignal): void {
    const remote = this.remote(device);
    if (remote.link) remote.link.signal(signal);
    else if (remote.pending.length < MAX_PENDING_CANDIDATES) remote.pending.push(signal);
  }

  attachLink(device: string, link: PeerLink): void {
    const remote = this.remote(device);
    remote.link = link;
    for (const signal of remote.pending.splice(0)) link.signal(signal);
  }

  /** Forgets a device; true when no link is left. */
  drop(device: string): boolean {
    this.remotes.get(device)?.link?.destroy();
    this.remotes.delete(device);
    return ![...this.remotes.values()].some((remote) => remote.link);
  }

  destroyLinks(): void {
    for (const remote of this.remotes.values()) remote.link?.destroy();
    this.remotes.clear();
  }
}

/** Device addresses are `accountId.deviceId`; account ids contain no dot. */
export function accountOf(device: string): string {
  return device.slice(0, device.lastIndexOf('.'));
}
