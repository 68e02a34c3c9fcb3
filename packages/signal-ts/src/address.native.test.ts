import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { ProtocolAddress, serviceIdFixedWidthBinary } from './address.js';
import { ErrorCode, LibSignalErrorBase } from './error.js';

describe('ProtocolAddress', () => {
  it('keeps name and device id and prints like native', () => {
    const ours = ProtocolAddress.new('alice', 3);
    const theirs = native.ProtocolAddress.new('alice', 3);
    expect(ours.name()).toBe('alice');
    expect(ours.deviceId()).toBe(3);
    expect(ours.toString()).toBe(theirs.toString());
  });

  it.each([0, 128, 200, -1, 1.5])(
    'rejects device id %s with InvalidProtocolAddress, as native does',
    (id) => {
      expect(() => native.ProtocolAddress.new('a', id)).toThrow();
      try {
        ProtocolAddress.new('a', id);
        expect.unreachable();
      } catch (err) {
        expect(LibSignalErrorBase.is(err, ErrorCode.InvalidProtocolAddress)).toBe(true);
      }
    },
  );

  it('accepts a ServiceId object like native', () => {
    const aci = native.Aci.fromUuid('9d0652a3-dcc3-4d11-975f-74d61598733f');
    expect(ProtocolAddress.new(aci, 1).name()).toBe(native.ProtocolAddress.new(aci, 1).name());
  });

  it('derives the fixed-width service id that native computes', () => {
    const uuid = '9d0652a3-dcc3-4d11-975f-74d61598733f';
    const aci = native.Aci.fromUuid(uuid);
    const pni = native.Pni.fromUuid(uuid);
    expect(serviceIdFixedWidthBinary(ProtocolAddress.new(uuid, 1))).toEqual(
      new Uint8Array(aci.getServiceIdFixedWidthBinary()),
    );
    expect(serviceIdFixedWidthBinary(ProtocolAddress.new(pni.getServiceIdString(), 1))).toEqual(
      new Uint8Array(pni.getServiceIdFixedWidthBinary()),
    );
    expect(serviceIdFixedWidthBinary(ProtocolAddress.new('alice', 1))).toBeNull();
    expect(serviceIdFixedWidthBinary(ProtocolAddress.new('PNI:alice', 1))).toBeNull();
  });
});
