import type { Logger } from 'pino';
import { PushSubscriptionStore } from './subscription-store.js';
import { loadVapidKeys, type VapidKeys } from './vapid-keys.js';
import { WakeUps, type PushOutcome, type Schedule } from './wake-ups.js';

/** The relay's Web Push settings (config.ts reads them from flags and the environment). */
export interface PushConfig {
  /** VAPID `sub` claim: `mailto:` or `https:` contact of the relay's operator. */
  subject: string;
  /** A key pair from configuration; otherwise generated once and kept in the data directory. */
  vapid?: VapidKeys;
  /** Accept http://127.0.0.1 push endpoints (a test's local push service); never from flags. */
  allowLoopbackHttp?: boolean;
  /** Replaces the wall clock of the coalescing windows (tests). */
  schedule?: Schedule;
}

export interface Push {
  subscriptions: PushSubscriptionStore;
  wakeUps: WakeUps;
  publicKey: string;
  allowLoopbackHttp: boolean;
  close(): Promise<void>;
}

/** Opens the subscription table and the VAPID keys, and builds the wake-up sender. */
export async function openPush(
  config: PushConfig,
  databaseUrl: string,
  dataDir: string,
  present: (rowIds: readonly number[]) => Promise<boolean[]>,
  log: Logger,
  counted?: (outcome: PushOutcome) => void,
): Promise<Push> {
  const vapid = await loadVapidKeys(dataDir, config.vapid);
  const subscriptions = PushSubscriptionStore.open(databaseUrl);
  const wakeUps = new WakeUps({
    subscriptions,
    vapid,
    subject: config.subject,
    present,
    log,
    ...(counted ? { counted } : {}),
    ...(config.schedule ? { schedule: config.schedule } : {}),
  });
  return {
    subscriptions,
    wakeUps,
    publicKey: vapid.publicKey,
    allowLoopbackHttp: config.allowLoopbackHttp ?? false,
    async close() {
      await wakeUps.close();
      await subscriptions.close();
    },
  };
}
