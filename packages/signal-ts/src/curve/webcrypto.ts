/**
 * Optional fast paths through the platform's WebCrypto (X25519 and Ed25519, present in Node 20 and
 * current Chromium), several times faster than the pure-JavaScript arithmetic. WebCrypto is async,
 * so these serve the engine's async operations; libsignal's synchronous API (`agree`, `verify`)
 * keeps the @noble path. Where WebCrypto lacks an algorithm (older browsers, insecure contexts
 * without `crypto.subtle`), every function here answers `undefined` and the caller falls back.
 */
import type { Bytes } from '../bytes.js';

/** DER prefix of a PKCS#8 X25519 private key (RFC 8410): the 32 key bytes follow. */
const X25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

type Algorithm = 'X25519' | 'Ed25519';

/** An imported WebCrypto key (opaque here). */
export interface WebCryptoKey {
  readonly type: string;
}

/** The slice of SubtleCrypto used here, typed locally so the package needs no DOM typings. */
interface Subtle {
  generateKey(
    algorithm: { name: Algorithm },
    extractable: boolean,
    usages: string[],
  ): Promise<unknown>;
  importKey(
    format: 'raw' | 'pkcs8',
    data: Uint8Array<ArrayBuffer>,
    algorithm: { name: Algorithm },
    extractable: boolean,
    usages: string[],
  ): Promise<WebCryptoKey>;
  deriveBits(
    algorithm: { name: 'X25519'; public: WebCryptoKey },
    key: WebCryptoKey,
    length: number,
  ): Promise<ArrayBuffer>;
  verify(
    algorithm: { name: 'Ed25519' },
    key: WebCryptoKey,
    signature: Uint8Array<ArrayBuffer>,
    data: Uint8Array<ArrayBuffer>,
  ): Promise<boolean>;
}

const support = new Map<Algorithm, Promise<boolean>>();

function subtle(): Subtle | undefined {
  return (globalThis as unknown as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
}

/** Whether WebCrypto implements `algorithm`, probed once by generating a throwaway key. */
function supports(algorithm: Algorithm): Promise<boolean> {
  let probe = support.get(algorithm);
  if (probe === undefined) {
    const api = subtle();
    const usages = algorithm === 'X25519' ? ['deriveBits'] : ['sign', 'verify'];
    probe =
      api === undefined
        ? Promise.resolve(false)
        : api.generateKey({ name: algorithm }, false, usages).then(
            () => true,
            () => false,
          );
    support.set(algorithm, probe);
  }
  return probe;
}

/** Imports a clamped 32-byte X25519 private key for agreement (undefined if unsupported). */
export async function importX25519PrivateKey(
  privateKey: Uint8Array,
): Promise<WebCryptoKey | undefined> {
  if (!(await supports('X25519'))) return undefined;
  const pkcs8 = new Uint8Array(X25519_PKCS8_PREFIX.length + privateKey.length);
  pkcs8.set(X25519_PKCS8_PREFIX);
  pkcs8.set(privateKey, X25519_PKCS8_PREFIX.length);
  return subtle()!.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, ['deriveBits']);
}

/**
 * X25519(privateKey, u). Rejects (like native) when the result is all zeros: WebCrypto refuses it
 * by specification.
 */
export async function x25519Agree(privateKey: WebCryptoKey, u: Uint8Array): Promise<Bytes> {
  const api = subtle()!;
  const publicKey = await api.importKey('raw', new Uint8Array(u), { name: 'X25519' }, false, []);
  return new Uint8Array(
    await api.deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256),
  );
}

/**
 * Ed25519 verification of (R || s) under the compressed Edwards key `A` (undefined if
 * unsupported). The caller passes a canonical s (reduced mod L); any failure to import the key or
 * to verify answers false.
 */
export async function ed25519Verify(
  A: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean | undefined> {
  if (!(await supports('Ed25519'))) return undefined;
  const api = subtle()!;
  try {
    const key = await api.importKey('raw', new Uint8Array(A), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    return await api.verify(
      { name: 'Ed25519' },
      key,
      new Uint8Array(signature),
      new Uint8Array(message),
    );
  } catch {
    return false;
  }
}
