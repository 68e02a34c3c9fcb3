import type { FastifyInstance } from 'fastify';
import { CloseCode, ErrorCode, type DeleteAccountBodyJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import { RelayError } from '../errors.js';
import { basicAuth, deviceOf } from './basic-auth.js';
import type { RouteContext } from './context.js';

/**
 * Deleting the caller's own account (docs/relay-api.md, "Deleting an account"). Signing out one
 * device is the devices plugin's `DELETE /v1/devices/:deviceId` with the caller's own id.
 */
export function accountLifecycleRoutes(context: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store, authenticator, online } = context;

    app.delete<{ Body: DeleteAccountBodyJson }>(
      '/v1/accounts/me',
      { schema: { body: http.DeleteAccountBody }, preHandler: basicAuth(authenticator) },
      async (request, reply) => {
        const { accountId } = deviceOf(request);
        // The typed username must be this account's: only one's own account, and only on purpose.
        if ((await store.accountIdByUsername(request.body.username)) !== accountId) {
          throw new RelayError(ErrorCode.FORBIDDEN, "the username is not this account's");
        }
        // Credentials go with the device rows in one transaction: revoked from this commit on.
        const deviceIds = await store.deleteAccount(accountId);
        // In the background: noted durably, so a crash only delays it (0156).
        store
          .purgeRemovedDevices()
          .catch((error: unknown) =>
            request.log.warn({ err: error }, 'purging the sends of a deleted account failed'),
          );
        for (const deviceId of deviceIds) {
          online.disconnect(accountId, deviceId, CloseCode.ACCOUNT_DELETED);
        }
        // After the commit: a failure here leaves blobs the expiry sweep deletes anyway.
        await context.blobs
          ?.deleteAllOf(accountId)
          .catch((error: unknown) =>
            request.log.error({ err: error }, 'deleting the blobs of a deleted account failed'),
          );
        await context.profiles
          ?.remove(accountId)
          .catch((error: unknown) =>
            request.log.error({ err: error }, 'deleting the profile of a deleted account failed'),
          );
        return reply.code(204).send();
      },
    );
  };
}
