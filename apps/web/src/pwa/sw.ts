/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell (every built asset) so Parley starts with the network
 * or the relay down, and answers navigations with index.html (the app routes on the client).
 * Relay traffic (API and WebSocket) never goes through a cache: it is live or it fails, and core
 * queues what could not be sent.
 */
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { installPushHandlers } from '../notifications/push-worker.js';
import { readPreferences } from '../notifications/preferences.js';
import { workerAutomerge } from '../notifications/worker-automerge.js';
import { openWorkerMessenger } from '../notifications/worker-messenger.js';

declare const self: ServiceWorkerGlobalScope;

const precached = self.__WB_MANIFEST;
precacheAndRoute(precached);
cleanupOutdatedCaches();

/** Paths served by the relay itself; navigations to them must reach the network. */
const relayPaths = [/^\/v\d+\//, /^\/healthz$/, /^\/readyz$/, /^\/metrics$/];

registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: relayPaths }),
);

// A new version takes over at once: the shell is static and the data lives in IndexedDB, so there
// is no page state an update could break.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Web Push: wake, decrypt with core, notify (src/notifications/push-worker.ts).
const automerge = workerAutomerge(precached);
installPushHandlers(self, {
  openMessenger: () => openWorkerMessenger(self, automerge),
  readPreferences,
});
