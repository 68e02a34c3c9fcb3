import * as native from '@signalapp/libsignal-client';
import { describe, expect, it } from 'vitest';
import { CiphertextMessage, CiphertextMessageType } from './ciphertext-message.js';

describe('CiphertextMessage', () => {
  it('has libsignal-client type numbers', () => {
    expect(CiphertextMessageType.Whisper).toBe(native.CiphertextMessageType.Whisper);
    expect(CiphertextMessageType.PreKey).toBe(native.CiphertextMessageType.PreKey);
    expect(CiphertextMessageType.SenderKey).toBe(native.CiphertextMessageType.SenderKey);
    expect(CiphertextMessageType.Plaintext).toBe(native.CiphertextMessageType.Plaintext);
  });

  it('returns copies of its bytes', () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const msg = CiphertextMessage._fromSerialized(CiphertextMessageType.Whisper, bytes);
    bytes[0] = 9;
    const out = msg.serialize();
    expect(out).toEqual(Uint8Array.of(1, 2, 3));
    out[1] = 9;
    expect(msg.serialize()).toEqual(Uint8Array.of(1, 2, 3));
    expect(msg.type()).toBe(2);
    expect(CiphertextMessage.from({ asCiphertextMessage: () => msg })).toBe(msg);
  });
});
