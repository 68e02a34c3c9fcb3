/**
 * Web Push in the tests: real push services are unreachable here, so a push is delivered the way
 * Chromium's DevTools do it (CDP `ServiceWorker.deliverPushMessage` with a random wake-up id, what
 * the relay's pushes carry), and what the service worker shows is read back with
 * `registration.getNotifications()` from a same-origin document that is not the app.
 */
import type { BrowserContext, CDPSession } from 'playwright-core';
import { expect } from 'vitest';
import type { User } from './user.js';

export interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: { conversationId?: string; count?: number; url?: string } | null;
}

/**
 * The notifications shown, read from a fresh same-origin document that is not the app (the
 * relay's health check: it runs no core and holds no socket).
 */
export async function shownNotifications(user: User, origin: string): Promise<ShownNotification[]> {
  const page = await user.context.newPage();
  try {
    await page.goto(`${origin}/healthz`);
    return await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/');
      return ((await registration?.getNotifications()) ?? []).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        data: n.data as ShownNotification['data'],
      }));
    });
  } finally {
    await page.close();
  }
}

/**
 * Polls until a notification with `body` shows; returns that read's whole list. (Headless
 * Chromium closes notifications by itself after a while, so a later read may miss them.)
 */
export async function waitForNotification(
  user: User,
  origin: string,
  body: string,
): Promise<ShownNotification[]> {
  let seen: ShownNotification[] = [];
  await expect
    .poll(
      async () => {
        seen = await shownNotifications(user, origin);
        return seen.some((n) => n.body === body);
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return seen;
}

/** The app's service worker registration id, as CDP names it. */
async function registrationId(cdp: CDPSession, origin: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

export async function pushTo(context: BrowserContext, origin: string): Promise<void> {
  // A blank tab of the same profile carries the DevTools session: no window of the app is open.
  const blank = await context.newPage();
  const cdp = await context.newCDPSession(blank);
  const id = await registrationId(cdp, origin);
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin,
    registrationId: id,
    data: crypto.randomUUID(),
  });
  await cdp.detach();
  await blank.close();
}
