import { randomBytes } from 'node:crypto';
import { CloseCode } from '@parley/protocol';
import type { Logger } from 'pino';
import type { OnlineDevices } from '../mailbox/online-devices.js';
import type { ProvisioningChannel } from '../provisioning/provisioning-channel.js';
import type { PostgresStore } from '../store/postgres/postgres-store.js';
import { RedisClusterLink } from './redis-link.js';

/** A name for this relay process in presence tokens and channel names (unique per start). */
export function newProcessId(): string {
  return `${process.pid.toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface ClusterParts {
  online: OnlineDevices;
  store: PostgresStore;
  provisioning: ProvisioningChannel;
}

/**
 * Connects this relay process to the others through Redis (decision 0161): envelopes routed
 * here go to the sockets held here, a newer socket elsewhere closes ours with REPLACED, and the
 * caches other processes invalidate are invalidated here too.
 */
export async function joinCluster(
  redisUrl: string,
  prefix: string,
  processId: string,
  { online, store, provisioning }: ClusterParts,
  log: Logger,
): Promise<RedisClusterLink> {
  const link = await RedisClusterLink.open(
    redisUrl,
    prefix,
    processId,
    {
      envelopes: (envelopes) => online.deliverRouted(envelopes),
      replaced: (rowId, token) => online.replacedElsewhere(rowId, token, CloseCode.REPLACED),
      devicesChanged: (accountId) => {
        store.forgetDeviceSet(accountId);
        online.devicesChangedHere(accountId);
      },
      deviceRemoved: (accountId, deviceId) =>
        online.disconnectHere(accountId, deviceId, CloseCode.DEVICE_REMOVED),
      provisioning: (address, message) => provisioning.receiveForwarded(address, message),
      reconnected: () => {
        Promise.all(online.claims().map(({ device, token }) => link.claim(device, token))).then(
          () => online.recheckAll(),
          (error: unknown) => log.warn({ err: error }, 'claiming sockets again failed'),
        );
      },
    },
    log,
  );
  online.attach(link);
  provisioning.attach(link.provisioning);
  return link;
}
