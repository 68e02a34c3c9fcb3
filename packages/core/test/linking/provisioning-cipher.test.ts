import { describe, expect, it } from 'vitest';
import { ParleyError } from '../../src/errors.js';
import { fingerprintWords, FINGERPRINT_WORD_LIST } from '../../src/linking/fingerprint-words.js';
import {
  generateProvisioningKeyPair,
  openProvisioning,
  sealProvisioning,
} from '../../src/linking/provisioning-cipher.js';
import {
  formatProvisioningLink,
  parseProvisioningLink,
} from '../../src/linking/provisioning-link.js';
import {
  decodeProvisioningMessage,
  encodeProvisioningMessage,
} from '../../src/linking/provisioning-message.js';

const plaintext = new TextEncoder().encode('the account identity and a registration code');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ParleyError ? error.code : `not a ParleyError: ${String(error)}`;
  }
  return undefined;
}

describe('provisioning cipher (X25519 + HKDF-SHA256 + XChaCha20-Poly1305)', () => {
  it('opens what was sealed to its key', () => {
    const recipient = generateProvisioningKeyPair();
    const sealed = sealProvisioning(recipient.publicKey, plaintext);
    expect(openProvisioning(recipient, sealed)).toEqual(plaintext);
    // Fresh sender key and nonce each time: two seals of one text differ.
    expect(sealProvisioning(recipient.publicKey, plaintext)).not.toEqual(sealed);
  });

  it('rejects every single flipped bit, anywhere in the message', () => {
    const recipient = generateProvisioningKeyPair();
    const sealed = sealProvisioning(recipient.publicKey, plaintext);
    for (let index = 0; index < sealed.length; index++) {
      const tampered = sealed.slice();
      tampered[index]! ^= 1 << (index % 8);
      expect(
        codeOf(() => openProvisioning(recipient, tampered)),
        `byte ${index}`,
      ).toBe('LINK_TAMPERED');
    }
  });

  it('rejects a message sealed to another key, a cut one, and an empty one', () => {
    const recipient = generateProvisioningKeyPair();
    const other = generateProvisioningKeyPair();
    const sealed = sealProvisioning(other.publicKey, plaintext);
    expect(codeOf(() => openProvisioning(recipient, sealed))).toBe('LINK_TAMPERED');
    const mine = sealProvisioning(recipient.publicKey, plaintext);
    expect(codeOf(() => openProvisioning(recipient, mine.subarray(0, mine.length - 1)))).toBe(
      'LINK_TAMPERED',
    );
    expect(codeOf(() => openProvisioning(recipient, new Uint8Array(0)))).toBe('LINK_TAMPERED');
  });

  it('rejects a message whose content fields are wrong, even when sealed correctly', () => {
    const good = {
      accountId: 'acc-1',
      username: 'alice',
      identityKeyPair: new Uint8Array([1, 2, 3]),
      registrationCode: 'A'.repeat(43),
      linkedByDeviceId: 1,
    };
    expect(decodeProvisioningMessage(encodeProvisioningMessage(good))).toEqual(good);
    const bad = [
      { ...good, username: 'not a name!' },
      { ...good, registrationCode: 'short' },
      { ...good, linkedByDeviceId: 0 },
    ];
    for (const message of bad)
      expect(codeOf(() => decodeProvisioningMessage(encodeProvisioningMessage(message)))).toBe(
        'LINK_TAMPERED',
      );
    expect(codeOf(() => decodeProvisioningMessage(new TextEncoder().encode('{')))).toBe(
      'LINK_TAMPERED',
    );
  });
});

describe('provisioning link and fingerprint words', () => {
  it('round-trips, and refuses anything that is not a Parley link', () => {
    const { publicKey } = generateProvisioningKeyPair();
    const link = formatProvisioningLink({ address: 'a'.repeat(22), publicKey });
    expect(parseProvisioningLink(`  ${link}\n`)).toEqual({ address: 'a'.repeat(22), publicKey });
    for (const text of [
      '',
      'https://example.com',
      link.replace('a=', 'x='),
      link.slice(0, -2),
      `${link}${'A'.repeat(300)}`,
    ])
      expect(
        codeOf(() => parseProvisioningLink(text)),
        text,
      ).toBe('INVALID_LINK');
  });

  it('gives both devices the same six words for one key, other words for another key', () => {
    expect(new Set(FINGERPRINT_WORD_LIST).size).toBe(256);
    const { publicKey } = generateProvisioningKeyPair();
    const words = fingerprintWords(publicKey);
    expect(words).toHaveLength(6);
    expect(fingerprintWords(publicKey.slice())).toEqual(words);
    expect(fingerprintWords(generateProvisioningKeyPair().publicKey)).not.toEqual(words);
  });
});
