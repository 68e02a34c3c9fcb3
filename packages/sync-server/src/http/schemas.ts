/**
 * JSON schemas of the HTTP API (docs/relay-api.md). Fastify validates every body and parameter
 * against them before a handler runs; binary fields are base64 strings whose decoded sizes are
 * checked by key-codec.ts.
 */

const base64 = (maxBytes: number) => ({
  type: 'string',
  pattern: '^[A-Za-z0-9+/]*={0,2}$',
  minLength: 4,
  maxLength: Math.ceil(maxBytes / 3) * 4,
});

export const KYBER_KEY_MAX_BYTES = 2048;

const keyId = { type: 'integer', minimum: 0, maximum: 0xffffffff };

const preKey = {
  type: 'object',
  required: ['keyId', 'publicKey'],
  additionalProperties: false,
  properties: { keyId, publicKey: base64(33) },
};

const signedPreKey = {
  type: 'object',
  required: ['keyId', 'publicKey', 'signature'],
  additionalProperties: false,
  properties: { keyId, publicKey: base64(33), signature: base64(64) },
};

const kyberPreKey = {
  type: 'object',
  required: ['keyId', 'publicKey', 'signature'],
  additionalProperties: false,
  properties: { keyId, publicKey: base64(KYBER_KEY_MAX_BYTES), signature: base64(64) },
};

const oneTimePreKeys = { type: 'array', maxItems: 200, items: preKey };
const kyberOneTimePreKeys = { type: 'array', maxItems: 200, items: kyberPreKey };

const deviceKeys = {
  type: 'object',
  required: ['registrationId', 'signedPreKey', 'lastResortKyberPreKey'],
  additionalProperties: false,
  properties: {
    registrationId: { type: 'integer', minimum: 1, maximum: 16380 },
    name: { type: 'string', maxLength: 64 },
    signedPreKey,
    lastResortKyberPreKey: kyberPreKey,
    oneTimePreKeys,
    kyberOneTimePreKeys,
  },
};

export const accountId = { type: 'string', format: 'uuid' };
export const deviceId = { type: 'integer', minimum: 1, maximum: 0x7fffffff };
export const username = { type: 'string', pattern: '^[a-z][a-z0-9_.]{2,31}$' };

export const registerBody = {
  type: 'object',
  required: ['username', 'identityKey', 'device'],
  additionalProperties: false,
  properties: { username, identityKey: base64(33), device: deviceKeys },
};

export const addDeviceBody = {
  type: 'object',
  required: ['linkToken', 'device'],
  additionalProperties: false,
  properties: {
    linkToken: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    device: deviceKeys,
  },
};

export const preKeyUploadBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    signedPreKey,
    lastResortKyberPreKey: kyberPreKey,
    oneTimePreKeys,
    kyberOneTimePreKeys,
  },
};
