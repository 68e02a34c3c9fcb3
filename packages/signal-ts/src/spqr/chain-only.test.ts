import { describe, expect, it } from 'vitest';
import { randomBytes } from '../bytes.js';
import { MAX_FORWARD_JUMPS, MAX_MESSAGE_KEYS } from '../consts.js';
import { deserializePqRatchet, initialPqRatchet, PqRatchetError, type PqRatchet } from './index.js';
import { encodePqMessage, PqMessageType } from './message.js';

const PARAMS = { maxJump: MAX_FORWARD_JUMPS, maxOutOfOrderKeys: MAX_MESSAGE_KEYS };

function pair(): { alice: PqRatchet; bob: PqRatchet } {
  const authKey = randomBytes(32);
  return {
    alice: initialPqRatchet(authKey, 'A2B', PARAMS),
    bob: initialPqRatchet(authKey, 'B2A', PARAMS),
  };
}

describe('chain-only SPQR', () => {
  it('gives both sides the same key per message, in each direction', () => {
    const { alice, bob } = pair();
    for (let i = 0; i < 5; i++) {
      const sent = alice.send();
      expect(bob.recv(sent.message)).toEqual(sent.key);
      const back = bob.send();
      expect(alice.recv(back.message)).toEqual(back.key);
      expect(back.key).not.toEqual(sent.key);
    }
  });

  it('always sends {V1, epoch 1, index, None} with indices from 1', () => {
    const { alice } = pair();
    expect(Array.from(alice.send().message)).toEqual([1, 1, 1, 0]);
    expect(Array.from(alice.send().message)).toEqual([1, 1, 2, 0]);
  });

  it('accepts out-of-order indices once each and refuses a replay', () => {
    const { alice, bob } = pair();
    const sent = [alice.send(), alice.send(), alice.send()];
    expect(bob.recv(sent[2]!.message)).toEqual(sent[2]!.key);
    expect(bob.recv(sent[0]!.message)).toEqual(sent[0]!.key);
    expect(() => bob.recv(sent[0]!.message)).toThrow(PqRatchetError);
    expect(() => bob.recv(sent[2]!.message)).toThrow(PqRatchetError);
    expect(bob.recv(sent[1]!.message)).toEqual(sent[1]!.key);
  });

  it('refuses a jump beyond the limit, an empty payload, and another epoch', () => {
    const { bob } = pair();
    const tooFar = encodePqMessage({
      epoch: 1,
      index: MAX_FORWARD_JUMPS + 1,
      type: PqMessageType.None,
      chunk: undefined,
    });
    expect(() => bob.recv(tooFar)).toThrow(/jump/);
    expect(() => bob.recv(new Uint8Array(0))).toThrow(/minimum version/);
    const epoch2 = encodePqMessage({
      epoch: 2,
      index: 1,
      type: PqMessageType.None,
      chunk: undefined,
    });
    expect(() => bob.recv(epoch2)).toThrow(/epoch/);
    expect(() => bob.recv(Uint8Array.of(1, 1, 1, 9))).toThrow(PqRatchetError);
  });

  it('ignores chunks of the full protocol but still yields the chain key', () => {
    const { alice, bob } = pair();
    const sent = alice.send();
    const withChunk = encodePqMessage({
      epoch: 1,
      index: 1,
      type: PqMessageType.Hdr,
      chunk: { index: 3, data: randomBytes(32) },
    });
    expect(bob.recv(withChunk)).toEqual(sent.key);
  });

  it('drops keys older than the out-of-order window', () => {
    const { alice, bob } = pair();
    const first = alice.send();
    let last = first;
    for (let i = 0; i < MAX_MESSAGE_KEYS + 300; i++) last = alice.send();
    expect(bob.recv(last.message)).toEqual(last.key);
    expect(() => bob.recv(first.message)).toThrow(/trimmed/);
  });

  it('survives serialization with its skipped keys, and a copy is independent', () => {
    const { alice, bob } = pair();
    const sent = [alice.send(), alice.send(), alice.send()];
    bob.recv(sent[2]!.message);
    const restored = deserializePqRatchet(bob.serialize());
    const copy = restored.clone();
    expect(restored.recv(sent[0]!.message)).toEqual(sent[0]!.key);
    expect(copy.recv(sent[0]!.message)).toEqual(sent[0]!.key);
    expect(() => restored.recv(sent[0]!.message)).toThrow(PqRatchetError);
    const nextA = alice.send();
    expect(restored.recv(nextA.message)).toEqual(nextA.key);
  });
});
