import type { SignalKind } from './call-signal.js';
import type { AwayInvite, AwayRinger } from './types.js';

/**
 * Invitations that reached a device whose app is closed (docs/decisions/0900-calls.md): they go
 * to the away ringer (the service worker shows a notification) and are followed until the call
 * ends for this device — the caller hangs up, or another device of the account answers or
 * declines.
 */
export class AwayCalls {
  private ringer: AwayRinger | undefined;
  private readonly ringing = new Map<string, AwayInvite>();

  attach(ringer: AwayRinger): void {
    this.ringer = ringer;
  }

  get attached(): boolean {
    return this.ringer !== undefined;
  }

  ring(invite: AwayInvite): void {
    this.ringing.set(invite.callId, invite);
    this.ringer?.ringing(invite);
  }

  /**
   * A later signal of a call ringing away. Returns the invitation when the caller gave up (its
   * missed-call entry is the caller's to record), else undefined.
   */
  follow(
    callId: string,
    kind: SignalKind['case'],
    from: string,
    own: boolean,
  ): AwayInvite | undefined {
    const invite = this.ringing.get(callId);
    if (!invite) return undefined;
    if (own && (kind === 'join' || kind === 'decline')) {
      this.ringing.delete(callId);
      this.ringer?.ended(callId, 'elsewhere');
      return undefined;
    }
    if (kind !== 'hangup' || from !== invite.callerDevice) return undefined;
    this.ringing.delete(callId);
    this.ringer?.ended(callId, 'missed');
    return invite;
  }
}
