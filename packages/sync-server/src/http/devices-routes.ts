import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  CloseCode,
  LINK_TOKEN_TTL_MS,
  SECRET_BYTES,
  type AddDeviceBodyJson,
  type DeviceListJson,
  type RenameDeviceBodyJson,
} from '@parley/protocol';
import * as http from '@parley/protocol/http';
import { generateSecret, hashSecret } from '../auth/credentials.js';
import { basicAuth, deviceOf } from './basic-auth.js';
import type { RouteContext } from './context.js';
import { decodeDeviceKeys, decodeSealedName, deviceIdParam } from './key-codec.js';

const tokenHash = (token: string) => createHash('sha256').update(token).digest();

/** Linking, listing and removing the devices of the caller's own account. */
export function devicesRoutes(context: RouteContext) {
  return async (app: FastifyInstance): Promise<void> => {
    const { store, authenticator, online } = context;
    const authenticate = basicAuth(authenticator);

    app.post('/v1/devices/link-tokens', { preHandler: authenticate }, async (request, reply) => {
      // The device quota is checked when a token is issued: linking needs one.
      const devices = await store.listDevices(deviceOf(request).accountId);
      context.limits.checkDeviceCount(devices.length);
      const linkToken = randomBytes(SECRET_BYTES).toString('base64url');
      const expiresAt = context.now() + LINK_TOKEN_TTL_MS;
      await store.createLinkToken(deviceOf(request).accountId, tokenHash(linkToken), expiresAt);
      return reply.code(201).send({ linkToken, expiresAt });
    });

    app.post<{ Body: AddDeviceBodyJson }>(
      '/v1/devices',
      { schema: { body: http.AddDeviceBody } },
      async (request, reply) => {
        await context.limits.checkLink(request.ip);
        const device = decodeDeviceKeys(request.body.device);
        const secret = generateSecret();
        const ref = await store.addDevice(
          tokenHash(request.body.linkToken),
          device,
          hashSecret(secret),
          context.now(),
        );
        online.devicesChangedHere(ref.accountId);
        return reply.code(201).send({ accountId: ref.accountId, deviceId: ref.deviceId, secret });
      },
    );

    app.get(
      '/v1/devices',
      { preHandler: authenticate },
      async (request): Promise<DeviceListJson> => ({
        devices: await store.listDevices(deviceOf(request).accountId),
      }),
    );

    // Any device of the account renames any of its devices; the name is sealed to the account's
    // identity key, so the relay checks only its size and encoding (docs/decisions/0351).
    app.put<{ Params: { deviceId: string }; Body: RenameDeviceBodyJson }>(
      '/v1/devices/:deviceId/name',
      {
        schema: { params: http.DeviceParams, body: http.RenameDeviceBody },
        preHandler: authenticate,
      },
      async (request, reply) => {
        const { accountId } = deviceOf(request);
        const sealedName = decodeSealedName(request.body.name);
        await store.renameDevice(accountId, deviceIdParam(request.params.deviceId), sealedName);
        online.devicesChangedHere(accountId);
        return reply.code(204).send();
      },
    );

    app.delete<{ Params: { deviceId: string } }>(
      '/v1/devices/:deviceId',
      {
        schema: { params: http.DeviceParams },
        preHandler: authenticate,
      },
      async (request, reply) => {
        const { accountId } = deviceOf(request);
        const deviceId = deviceIdParam(request.params.deviceId);
        await store.removeDevice(accountId, deviceId);
        // In the background, not before the 204: a device signing itself out must get its answer
        // right after its socket closes. Noted durably, so a crash only delays it (0156).
        store
          .purgeRemovedDevices()
          .catch((error: unknown) =>
            request.log.warn({ err: error }, 'purging the sends of a removed device failed'),
          );
        online.disconnect(accountId, deviceId, CloseCode.DEVICE_REMOVED);
        online.devicesChangedHere(accountId);
        return reply.code(204).send();
      },
    );
  };
}
