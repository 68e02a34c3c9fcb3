import type { FastifyInstance } from 'fastify';
import { ErrorCode, MAX_PROFILE_CIPHERTEXT_BYTES, type ProfileBodyJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import type { Authenticator } from '../auth/authenticator.js';
import type { AbuseLimits } from '../limits/abuse-limits.js';
import { RelayError } from '../errors.js';
import { basicAuth, deviceOf } from '../http/basic-auth.js';
import type { ProfileStore } from './profile-store.js';

/**
 * `/v1/profile` (docs/relay-api.md, decision 0345): each account's encrypted profile, as opaque
 * bytes. Writing needs a device of the account; reading needs any registered device (the bytes
 * are useless without the profile key, which only the owner's contacts hold).
 */
export function profileRoutes(
  profiles: ProfileStore,
  authenticator: Authenticator,
  limits: AbuseLimits,
) {
  return async (app: FastifyInstance): Promise<void> => {
    const authenticate = basicAuth(authenticator);

    app.put<{ Body: ProfileBodyJson }>(
      '/v1/profile',
      { schema: { body: http.ProfileBody }, preHandler: authenticate },
      async (request, reply) => {
        const ciphertext = Buffer.from(request.body.ciphertext, 'base64');
        if (ciphertext.length > MAX_PROFILE_CIPHERTEXT_BYTES)
          throw new RelayError(ErrorCode.TOO_LARGE, 'profile ciphertext too large');
        const { accountId } = deviceOf(request);
        await limits.checkProfileWrite(accountId);
        const stored = await profiles.put(
          accountId,
          { version: request.body.version, ciphertext },
          Date.now(),
        );
        if (!stored)
          throw new RelayError(ErrorCode.CONFLICT, 'a profile of this version or newer is stored');
        return reply.code(204).send();
      },
    );

    app.get<{ Params: { accountId: string } }>(
      '/v1/profile/:accountId',
      { schema: { params: http.ProfileParams }, preHandler: authenticate },
      async (request): Promise<ProfileBodyJson> => {
        await limits.checkProfileFetch(deviceOf(request).accountId);
        const profile = await profiles.find(request.params.accountId);
        if (!profile) throw new RelayError(ErrorCode.NOT_FOUND, 'no profile for this account');
        return {
          version: profile.version,
          ciphertext: Buffer.from(profile.ciphertext).toString('base64'),
        };
      },
    );
  };
}
