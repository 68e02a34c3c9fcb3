import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import webpush from 'web-push';
import { PUSH_COALESCE_MS, PUSH_TTL_SECONDS, PUSH_URGENCY } from '@parley/protocol';
import type { PushSubscriptionStore } from './subscription-store.js';
import type { VapidKeys } from './vapid-keys.js';

/** Runs `task` after `ms`; returns what cancels it. Tests pass a manual one (no wall clock). */
export type Schedule = (task: () => void, ms: number) => () => void;

export const realSchedule: Schedule = (task, ms) => {
  const timer = setTimeout(task, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** Longest a push service may take to answer before the attempt is abandoned. */
const PUSH_REQUEST_TIMEOUT_MS = 10_000;

/**
 * RFC 8030 §5.4 Topic: a push service keeps at most one undelivered message per topic and
 * subscription, so wake-ups waiting for a phone to come back collapse into one there too.
 */
const WAKE_TOPIC = 'wake';

export interface WakeUpDeps {
  subscriptions: Pick<PushSubscriptionStore, 'find' | 'remove'>;
  vapid: VapidKeys;
  /** VAPID `sub` claim (RFC 8292 §2.1): a mailto: or https: contact for the push service. */
  subject: string;
  /** Which of these devices hold a socket on any relay process. */
  present(rowIds: readonly number[]): Promise<boolean[]>;
  log: Logger;
  schedule?: Schedule;
  /** Counts each push by outcome (the relay's metrics). */
  counted?: (outcome: PushOutcome) => void;
}

/** delivered: 2xx; gone: 404/410, subscription forgotten; refused: other status; failed: no answer. */
export type PushOutcome = 'delivered' | 'gone' | 'refused' | 'failed';

interface Window {
  /** More envelopes arrived during the window: one more wake-up when it ends. */
  again: boolean;
  cancel(): void;
}

/**
 * Wakes offline devices through Web Push (RFC 8030 delivery, RFC 8291 encryption, RFC 8292
 * VAPID, all done by the `web-push` library). The payload is a random wake-up id and nothing
 * else: no sender, no conversation, no size hint: the service worker fetches the envelopes
 * itself over its own authenticated socket. Coalescing: a device's first envelope wakes it at
 * once and opens a PUSH_COALESCE_MS window; envelopes during the window add at most one more
 * wake-up when it ends (if the device is still offline then), so a burst costs two pushes at
 * most and a message that arrives while the woken worker is finishing is not missed.
 */
export class WakeUps {
  private readonly windows = new Map<number, Window>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly schedule: Schedule;
  private closed = false;

  constructor(private readonly deps: WakeUpDeps) {
    this.schedule = deps.schedule ?? realSchedule;
  }

  /**
   * Envelopes were committed for these devices' mailboxes. Runs once per delivered message:
   * the usual call (every device already in a window) allocates nothing.
   */
  wake(deviceRowIds: Iterable<number>): void {
    if (this.closed) return;
    let fresh: number[] | undefined;
    for (const rowId of deviceRowIds) {
      const window = this.windows.get(rowId);
      if (window) {
        // Named twice in one call: the window it just opened covers it.
        if (!fresh?.includes(rowId)) window.again = true;
        continue;
      }
      this.windows.set(rowId, {
        again: false,
        cancel: this.schedule(() => this.windowEnded(rowId), PUSH_COALESCE_MS),
      });
      (fresh ??= []).push(rowId);
    }
    if (fresh) this.track(this.pushToOffline(fresh));
  }

  /** Stops the windows and waits for pushes already on their way. */
  async close(): Promise<void> {
    this.closed = true;
    for (const window of this.windows.values()) window.cancel();
    this.windows.clear();
    await Promise.all(this.inFlight);
  }

  private windowEnded(rowId: number): void {
    const window = this.windows.get(rowId);
    this.windows.delete(rowId);
    if (window?.again) this.wake([rowId]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async pushToOffline(rowIds: number[]): Promise<void> {
    let present: boolean[];
    try {
      present = await this.deps.present(rowIds);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'presence unknown; waking devices anyway');
      present = rowIds.map(() => false);
    }
    await Promise.all(rowIds.filter((_, i) => !present[i]).map((rowId) => this.push(rowId)));
  }

  private async push(rowId: number): Promise<void> {
    try {
      const subscription = await this.deps.subscriptions.find(rowId);
      if (!subscription) return;
      const request = webpush.generateRequestDetails(
        subscription,
        randomBytes(16).toString('base64url'),
        {
          TTL: PUSH_TTL_SECONDS,
          urgency: PUSH_URGENCY,
          topic: WAKE_TOPIC,
          contentEncoding: 'aes128gcm',
          vapidDetails: { subject: this.deps.subject, ...this.deps.vapid },
        },
      );
      // web-push builds the request (encryption, VAPID JWT); fetch sends it, so a test's push
      // service on plain http://127.0.0.1 is reachable too (web-push's own sender is https-only).
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        // A copy typed as plain bytes (a Buffer's backing store may be shared; a few hundred bytes).
        body: Uint8Array.from(request.body),
        signal: AbortSignal.timeout(PUSH_REQUEST_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.status === 404 || response.status === 410) {
        // RFC 8030 §7.3: the subscription is gone for good.
        this.deps.counted?.('gone');
        await this.deps.subscriptions.remove(rowId, subscription.endpoint);
      } else if (!response.ok) {
        this.deps.counted?.('refused');
        this.deps.log.warn({ status: response.status }, 'push service refused a wake-up');
      } else {
        this.deps.counted?.('delivered');
      }
    } catch (error) {
      this.deps.counted?.('failed');
      this.deps.log.warn({ err: error }, 'wake-up push failed');
    }
  }
}
