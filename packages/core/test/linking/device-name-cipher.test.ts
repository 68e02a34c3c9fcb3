import { describe, expect, it } from 'vitest';
import { MAX_DEVICE_NAME_LENGTH } from '@parley/protocol';
import { ParleyError } from '../../src/errors.js';
import {
  MIN_SEALED_NAME_BYTES,
  openDeviceName,
  sealDeviceName,
  validDeviceName,
  type DeviceNameRecord,
} from '../../src/linking/device-name-cipher.js';
import { engines } from '../engine/engines.js';

const binding = { accountId: '6f1c7a3e-7c55-4d6e-9a55-0a3f6e1b2c3d', deviceId: 2 };
const record = { name: 'Alice’s laptop', platform: 'Desktop app on macOS' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ParleyError ? error.code : `not a ParleyError: ${String(error)}`;
  }
  return undefined;
}

describe.each(engines)('sealed device names ($name engine)', ({ engine }) => {
  const identity = engine.IdentityKeyPair.generate();
  const seal = (r: DeviceNameRecord = record, b = binding) =>
    sealDeviceName(engine, identity.publicKey, b, r);

  it('opens with the account identity, and never shows the name in the sealed bytes', () => {
    const sealed = seal();
    expect(openDeviceName(engine, identity, binding, sealed)).toEqual(record);
    expect(new TextDecoder().decode(sealed)).not.toContain('laptop');
    // A fresh ephemeral key and nonce each time: equal names do not look equal to the relay.
    expect(seal()).not.toEqual(sealed);
    // Longer than any plain name even in bytes: how old plaintext names are told apart.
    expect(MIN_SEALED_NAME_BYTES).toBeGreaterThan(MAX_DEVICE_NAME_LENGTH);
    expect(openDeviceName(engine, identity, binding, seal({ name: 'x', platform: null }))).toEqual({
      name: 'x',
      platform: null,
    });
  });

  it('detects a flipped bit anywhere, a truncation and another version', () => {
    const sealed = seal();
    for (let i = 0; i < sealed.length; i++) {
      const tampered = sealed.slice();
      tampered[i]! ^= 0x01;
      expect(
        codeOf(() => openDeviceName(engine, identity, binding, tampered)),
        `byte ${i}`,
      ).toBe('DEVICE_NAME_TAMPERED');
    }
    const short = sealed.subarray(0, MIN_SEALED_NAME_BYTES - 1);
    expect(codeOf(() => openDeviceName(engine, identity, binding, short))).toBe(
      'DEVICE_NAME_TAMPERED',
    );
  });

  it('opens only for the device and account it was sealed for, and only with the identity key', () => {
    const sealed = seal();
    const moved = { ...binding, deviceId: 3 };
    expect(codeOf(() => openDeviceName(engine, identity, moved, sealed))).toBe(
      'DEVICE_NAME_TAMPERED',
    );
    const otherAccount = { ...binding, accountId: '00000000-0000-4000-8000-000000000000' };
    expect(codeOf(() => openDeviceName(engine, identity, otherAccount, sealed))).toBe(
      'DEVICE_NAME_TAMPERED',
    );
    const stranger = engine.IdentityKeyPair.generate();
    expect(codeOf(() => openDeviceName(engine, stranger, binding, sealed))).toBe(
      'DEVICE_NAME_TAMPERED',
    );
  });

  it('refuses a sealed record that is not a valid name', () => {
    const tooLong = seal({ name: 'x'.repeat(MAX_DEVICE_NAME_LENGTH + 1), platform: null });
    expect(codeOf(() => openDeviceName(engine, identity, binding, tooLong))).toBe(
      'DEVICE_NAME_TAMPERED',
    );
  });
});

describe('device names people type', () => {
  it('trims them and refuses empty and overlong ones', () => {
    expect(validDeviceName('  Work laptop ')).toBe('Work laptop');
    expect(validDeviceName('😀'.repeat(MAX_DEVICE_NAME_LENGTH))).toHaveLength(
      2 * MAX_DEVICE_NAME_LENGTH,
    );
    expect(codeOf(() => validDeviceName('   '))).toBe('INVALID_DEVICE_NAME');
    expect(codeOf(() => validDeviceName('x'.repeat(MAX_DEVICE_NAME_LENGTH + 1)))).toBe(
      'INVALID_DEVICE_NAME',
    );
  });
});
