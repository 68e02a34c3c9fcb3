import type { Authenticator } from '../auth/authenticator.js';
import type { BlobService } from '../blobs/blob-service.js';
import type { AbuseLimits } from '../limits/abuse-limits.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { ProvisioningChannel } from '../provisioning/provisioning-channel.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import type { OnlineDevices } from '../mailbox/online-devices.js';
import type { RelayStore } from '../store/relay-store.js';

/** What the route plugins need from the relay. */
export interface RouteContext {
  store: RelayStore;
  authenticator: Authenticator;
  online: OnlineDevices;
  limits: AbuseLimits;
  metrics: RelayMetrics;
  /** Encrypted attachment blobs (src/blobs/); absent, the blob routes are not served. */
  blobs?: BlobService;
  /** One-time provisioning addresses of new devices waiting to be linked (src/provisioning/). */
  provisioning: ProvisioningChannel;
  /** Encrypted profiles (src/profiles/); absent, the profile routes are not served. */
  profiles?: ProfileStore;
  /** The relay's clock (RelayConfig.now). */
  now: () => number;
}
