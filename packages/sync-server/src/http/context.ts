import type { Authenticator } from '../auth/authenticator.js';
import type { OnlineDevices } from '../mailbox/online-devices.js';
import type { RelayStore } from '../store/relay-store.js';

/** What the route plugins need from the relay. */
export interface RouteContext {
  store: RelayStore;
  authenticator: Authenticator;
  online: OnlineDevices;
}
