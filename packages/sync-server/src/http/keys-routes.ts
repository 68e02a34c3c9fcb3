import type { FastifyInstance } from 'fastify';
import { ErrorCode, type PreKeyResponseJson, type PreKeyUploadJson } from '@parley/protocol';
import * as http from '@parley/protocol/http';
import { RelayError } from '../errors.js';
import type { PreKeyUpload } from '../store/records.js';
import { basicAuth, deviceOf } from './basic-auth.js';
import type { RouteContext } from './context.js';
import {
  decodeKyberPreKey,
  decodePreKey,
  decodeSignedPreKey,
  deviceIdParam,
  encodeBase64,
  encodeBundle,
} from './key-codec.js';

/** The prekey directory: bundles of other devices, and refills of the caller's own keys. */
export function keysRoutes(context: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store, authenticator } = context;
    const authenticate = basicAuth(authenticator);

    /**
     * Fetches are limited per requesting account (one-time prekeys are handed out once, so a
     * stranger fetching in a loop would drain them); a bundle that comes without its one-time
     * prekey raises the drain alert metric.
     */
    const fetchBundles = async (
      requester: string,
      target: string,
      device?: number,
    ): Promise<PreKeyResponseJson> => {
      if (requester !== target) await context.limits.checkPrekeyFetch(requester);
      const found = await store.takePreKeyBundles(target, device);
      if (!found) throw new RelayError(ErrorCode.NOT_FOUND, 'no such account or device');
      const exhausted = found.bundles.filter((bundle) => !bundle.preKey).length;
      if (exhausted > 0) context.metrics.prekeysExhausted.inc(exhausted);
      return {
        accountId: target,
        identityKey: encodeBase64(found.identityKey),
        devices: found.bundles.map(encodeBundle),
      };
    };

    app.get<{ Params: { accountId: string } }>(
      '/v1/keys/:accountId',
      {
        schema: { params: http.KeysParams },
        preHandler: authenticate,
      },
      (request) => fetchBundles(deviceOf(request).accountId, request.params.accountId),
    );

    app.get<{ Params: { accountId: string; deviceId: string } }>(
      '/v1/keys/:accountId/:deviceId',
      {
        schema: { params: http.DeviceKeysParams },
        preHandler: authenticate,
      },
      (request) =>
        fetchBundles(
          deviceOf(request).accountId,
          request.params.accountId,
          deviceIdParam(request.params.deviceId),
        ),
    );

    app.put<{ Body: PreKeyUploadJson }>(
      '/v1/keys',
      { schema: { body: http.PreKeyUpload }, preHandler: authenticate },
      async (request, reply) => {
        const body = request.body;
        const upload: PreKeyUpload = {
          ...(body.signedPreKey && { signedPreKey: decodeSignedPreKey(body.signedPreKey) }),
          ...(body.lastResortKyberPreKey && {
            lastResortKyberPreKey: decodeKyberPreKey(body.lastResortKyberPreKey),
          }),
          ...(body.oneTimePreKeys && { oneTimePreKeys: body.oneTimePreKeys.map(decodePreKey) }),
          ...(body.kyberOneTimePreKeys && {
            kyberOneTimePreKeys: body.kyberOneTimePreKeys.map(decodeKyberPreKey),
          }),
        };
        await store.storePreKeys(deviceOf(request), upload);
        return reply.code(204).send();
      },
    );

    app.get('/v1/keys', { preHandler: authenticate }, (request) =>
      store.countPreKeys(deviceOf(request)),
    );
  };
}
