import { describe, expect, it } from 'vitest';
import { DeviceKeys, PreKeyUpload, RegisterBody } from '../src/http/index.js';
import { MAX_PREKEYS_PER_UPLOAD, USERNAME_PATTERN } from '../src/index.js';

describe('the HTTP schemas', () => {
  it('take their caps and patterns from the named limits and the username rule', () => {
    expect(PreKeyUpload.properties.oneTimePreKeys.maxItems).toBe(MAX_PREKEYS_PER_UPLOAD);
    expect(DeviceKeys.properties.kyberOneTimePreKeys.maxItems).toBe(MAX_PREKEYS_PER_UPLOAD);
    expect(RegisterBody.properties.username.pattern).toBe(USERNAME_PATTERN.source);
  });

  it('are plain JSON schemas (what Fastify validates against)', () => {
    const json = JSON.parse(JSON.stringify(RegisterBody)) as Record<string, unknown>;
    expect(json).toMatchObject({
      type: 'object',
      required: ['username', 'identityKey', 'device'],
      additionalProperties: false,
    });
  });
});
