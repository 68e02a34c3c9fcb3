import type { Content } from '@parley/protocol';
import type { Sender } from '../delivery/inbox.js';
import { Snapshot } from '../facade/observable.js';
import type { Calls, CallsDeps } from './calls.js';
import type * as CallsModule from './calls-kit.js';
import type { AwayInvite, AwayRinger, CallMedia, CallPeers, CallsApi, CallView } from './types.js';

/** The call logic (./calls-kit.ts), which the platform supplies: a page loads it lazily. */
export type CallsKit = typeof CallsModule;
export type LoadCalls = () => Promise<CallsKit>;

export interface LazyCallsDeps {
  load: LoadCalls;
  calls: CallsDeps;
  onError(error: unknown): void;
}

/**
 * Calls as the facade offers them, the logic loaded on first use (a call started, or a call
 * signal received). Signals that arrive while it loads wait here in order, so an invite still
 * rings once the logic is there: it is judged by the time it was sent, not by when the code
 * arrived, and the media side attached meanwhile is handed on (without one, core would record
 * the call as missed).
 */
export class LazyCalls implements CallsApi {
  readonly current = new Snapshot<CallView | null>(
    () => this.loaded?.calls.current.getSnapshot() ?? null,
  );
  private loaded: { kit: CallsKit; calls: Calls } | undefined;
  private loading: Promise<Calls> | undefined;
  private peers: CallPeers | undefined;
  private ringer: AwayRinger | undefined;
  private readonly queued: { content: Content; sender: Sender }[] = [];

  constructor(private readonly deps: LazyCallsDeps) {}

  attach(peers: CallPeers): void {
    this.peers = peers;
    this.loaded?.calls.attach(peers);
  }

  ringAway(ringer: AwayRinger): void {
    this.ringer = ringer;
    this.loaded?.calls.ringAway(ringer);
  }

  resume(invite: AwayInvite): void {
    this.load().then(
      (calls) => calls.resume(invite),
      (error: unknown) => this.deps.onError(error),
    );
  }

  async start(conversationId: string, media: CallMedia): Promise<string> {
    return (await this.load()).start(conversationId, media);
  }

  async accept(callId: string): Promise<void> {
    return (await this.load()).accept(callId);
  }

  // Without the logic loaded there is no call to decline or leave.
  decline(callId: string): void {
    this.loaded?.calls.decline(callId);
  }

  hangUp(callId: string): void {
    this.loaded?.calls.hangUp(callId);
  }

  /** A decrypted call signal (delivery/content-handler.ts). */
  receive(content: Content, sender: Sender): void {
    if (this.loaded) return this.deliver(this.loaded, content, sender);
    this.queued.push({ content, sender });
    // A failed load is retried by the next signal or call; the queue waits for it.
    this.load().catch((error: unknown) => this.deps.onError(error));
  }

  private load(): Promise<Calls> {
    return (this.loading ??= this.deps.load().then(
      (kit) => {
        const calls = new kit.Calls(this.deps.calls);
        if (this.peers) calls.attach(this.peers);
        if (this.ringer) calls.ringAway(this.ringer);
        calls.current.subscribe(() => this.current.invalidate());
        this.loaded = { kit, calls };
        for (const { content, sender } of this.queued.splice(0))
          this.deliver(this.loaded, content, sender);
        this.current.invalidate();
        return calls;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    ));
  }

  private deliver(loaded: { kit: CallsKit; calls: Calls }, content: Content, sender: Sender) {
    if (content.body.case !== 'callSignal') return;
    const signal = loaded.kit.readSignal(content.body.value, Number(content.createdAt));
    // A malformed signal (a buggy or hostile peer) is dropped: it is ephemeral, and telling
    // the person "a message could not be decrypted" would be untrue.
    if (typeof signal !== 'string') loaded.calls.receive(signal, sender);
  }
}
