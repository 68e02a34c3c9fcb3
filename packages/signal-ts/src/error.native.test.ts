import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { ProtocolAddress } from './address.js';
import { ErrorCode, LibSignalErrorBase, protocolError, untrustedIdentityError } from './error.js';

describe('errors', () => {
  it('uses the same numeric codes as libsignal-client', () => {
    for (const key of Object.keys(ErrorCode).filter((k) => Number.isNaN(Number(k)))) {
      const name = key as keyof typeof ErrorCode;
      expect(ErrorCode[name], name).toBe(native.ErrorCode[name]);
    }
  });

  it('maps protocol failures to the code the native bridge assigns', () => {
    expect(protocolError('InvalidMessage', 'op', 'bad mac').code).toBe(ErrorCode.Generic);
    expect(protocolError('SignatureValidationFailed', 'op', 'x').code).toBe(ErrorCode.Generic);
    expect(protocolError('DuplicatedMessage', 'op', 'x').code).toBe(ErrorCode.DuplicatedMessage);
    expect(protocolError('InvalidSessionStructure', 'op', 'x').code).toBe(ErrorCode.InvalidSession);
    const err = protocolError('InvalidMessage', 'SessionCipher_Decrypt', 'bad mac');
    expect(err).toBeInstanceOf(Error);
    expect(err.kind).toBe('InvalidMessage');
    expect(err.name).toBe('LibSignalError');
    expect(err.toString()).toBe('LibSignalError - SessionCipher_Decrypt: bad mac');
  });

  it('carries the peer name on UntrustedIdentity like native', () => {
    const err = untrustedIdentityError('op', ProtocolAddress.new('bob', 2));
    expect(err.is(ErrorCode.UntrustedIdentity)).toBe(true);
    expect(err.name).toBe('UntrustedIdentity');
    expect(err.addr).toBe('bob');
    expect(() => protocolError('InvalidMessage', 'op', 'x').addr).toThrow(TypeError);
    expect(LibSignalErrorBase.is(new Error('x'), ErrorCode.Generic)).toBe(false);
  });
});
