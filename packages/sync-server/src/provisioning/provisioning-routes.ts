import type { FastifyInstance } from 'fastify';
import type { ProvisioningBodyJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import type { Authenticator } from '../auth/authenticator.js';
import { basicAuth } from '../http/basic-auth.js';
import type { ProvisioningChannel } from './provisioning-channel.js';

/**
 * `PUT /v1/provisioning/:address`: a device of an account hands a sealed provisioning message to
 * a new device. Authenticated, so only devices of some account can provision; what account is
 * the sealed message's business, not the relay's.
 */
export function provisioningRoutes(channel: ProvisioningChannel, authenticator: Authenticator) {
  return async (app: FastifyInstance): Promise<void> => {
    app.put<{ Params: { address: string }; Body: ProvisioningBodyJson }>(
      '/v1/provisioning/:address',
      {
        schema: { params: http.ProvisioningParams, body: http.ProvisioningBody },
        preHandler: basicAuth(authenticator),
      },
      async (request, reply) => {
        await channel.deliver(request.params.address, request.body.message);
        return reply.code(204).send();
      },
    );
  };
}
