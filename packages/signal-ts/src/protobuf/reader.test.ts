import { describe, expect, it } from 'vitest';
import { ErrorCode, LibSignalErrorBase } from '../error.js';
import { BinaryWriter, ProtoFields, WireType } from './reader.js';

describe('ProtoFields', () => {
  it('reads varint, fixed64, bytes and repeated fields; the last singular occurrence wins', () => {
    const bytes = new BinaryWriter()
      .tag(1, WireType.Varint)
      .uint32(7)
      .tag(2, WireType.LengthDelimited)
      .bytes(Uint8Array.of(1, 2))
      .tag(2, WireType.LengthDelimited)
      .bytes(Uint8Array.of(3))
      .tag(3, WireType.Bit64)
      .fixed64(1_764_000_000_123n)
      .tag(1, WireType.Varint)
      .uint32(9)
      .tag(4, WireType.LengthDelimited)
      .string('héllo')
      .finish();
    const fields = ProtoFields.parse(bytes, 'test');
    expect(fields.uint32(1)).toBe(9);
    expect(fields.bytes(2)).toEqual(Uint8Array.of(3));
    expect(fields.repeatedBytes(2)).toEqual([Uint8Array.of(1, 2), Uint8Array.of(3)]);
    expect(fields.fixed64(3)).toBe(1_764_000_000_123n);
    expect(fields.string(4)).toBe('héllo');
    expect(fields.has(5)).toBe(false);
    expect(fields.bytes(5)).toBeUndefined();
  });

  it('skips unknown fields of other wire types', () => {
    const bytes = new BinaryWriter()
      .tag(9, WireType.Bit32)
      .fixed32(5)
      .tag(1, WireType.Varint)
      .uint32(1)
      .finish();
    expect(ProtoFields.parse(bytes, 'test').uint32(1)).toBe(1);
  });

  it('truncates uint32 fields like prost and keeps uint64 whole', () => {
    const bytes = new BinaryWriter()
      .tag(1, WireType.Varint)
      .uint64(2n ** 40n + 5n)
      .finish();
    const fields = ProtoFields.parse(bytes, 'test');
    expect(fields.uint32(1)).toBe(5);
    expect(fields.uint64(1)).toBe(2n ** 40n + 5n);
  });

  it.each([
    ['a truncated length', Uint8Array.of(0x0a, 0x05, 1)],
    ['a truncated varint', Uint8Array.of(0x08, 0xff)],
    ['field number 0', Uint8Array.of(0x00, 0x01)],
  ])('reports %s as InvalidProtobufEncoding under the caller operation', (_what, bytes) => {
    try {
      ProtoFields.parse(bytes, 'Thing_Deserialize');
      expect.unreachable();
    } catch (err) {
      expect(LibSignalErrorBase.is(err, ErrorCode.Generic)).toBe(true);
      expect((err as LibSignalErrorBase).operation).toBe('Thing_Deserialize');
      expect((err as Error).message).toBe('protobuf encoding was invalid');
    }
  });

  it('reports a field read with the wrong wire type, and invalid UTF-8', () => {
    const fields = ProtoFields.parse(Uint8Array.of(0x08, 0x01, 0x12, 0x01, 0xff), 'test');
    expect(() => fields.bytes(1)).toThrow(/protobuf encoding was invalid/);
    expect(() => fields.uint32(2)).toThrow(/protobuf encoding was invalid/);
    expect(() => fields.string(2)).toThrow(/protobuf encoding was invalid/);
  });
});
