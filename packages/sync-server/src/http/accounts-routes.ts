import type { FastifyInstance } from 'fastify';
import { ErrorCode, type RegisterBodyJson, type UsernameLookupJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import { generateSecret, hashSecret } from '../auth/credentials.js';
import { RelayError } from '../errors.js';
import { basicAuth } from './basic-auth.js';
import type { RouteContext } from './context.js';
import { decodeDeviceKeys, decodeIdentityKey } from './key-codec.js';

/** Registration of an account with its first device, and username lookup. */
export function accountsRoutes(context: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store, authenticator } = context;

    app.post<{ Body: RegisterBodyJson }>(
      '/v1/accounts',
      { schema: { body: http.RegisterBody } },
      async (request, reply) => {
        await context.limits.checkRegistration(request.ip);
        const identityKey = decodeIdentityKey(request.body.identityKey);
        const device = decodeDeviceKeys(request.body.device);
        const secret = generateSecret();
        const ref = await store.createAccount({
          username: request.body.username,
          identityKey,
          device,
          secretHash: hashSecret(secret),
        });
        return reply.code(201).send({ accountId: ref.accountId, deviceId: ref.deviceId, secret });
      },
    );

    app.get<{ Params: { username: string } }>(
      '/v1/accounts/username/:username',
      {
        schema: { params: http.UsernameParams },
        preHandler: basicAuth(authenticator),
      },
      async (request): Promise<UsernameLookupJson> => {
        const accountId = await store.accountIdByUsername(request.params.username);
        if (!accountId) throw new RelayError(ErrorCode.NOT_FOUND, 'no such username');
        return { accountId, username: request.params.username };
      },
    );
  };
}
