import { PROVISIONING_ADDRESS_PATTERN } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import { fromBase64Url, toBase64Url } from '../encoding/base64.js';

/**
 * What the QR code and the copyable link hold: `parley://link?a=<address>&k=<public key>`, the
 * relay's one-time provisioning address and the new device's ephemeral X25519 key, both base64url.
 * Short on purpose, so the QR code stays coarse enough for a webcam. Nothing in it is secret:
 * whoever scans it can only seal something to the new device, and the words show which device.
 */
export interface ProvisioningLink {
  address: string;
  publicKey: Uint8Array;
}

const PREFIX = 'parley://link?';
const KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Longest text accepted as a link (a QR code or a paste may carry anything). */
const MAX_LINK_CHARS = 256;

export function formatProvisioningLink(link: ProvisioningLink): string {
  return `${PREFIX}a=${link.address}&k=${toBase64Url(link.publicKey)}`;
}

/** Parses a scanned or pasted link; INVALID_LINK for anything else. */
export function parseProvisioningLink(text: string): ProvisioningLink {
  const trimmed = text.trim();
  if (trimmed.length > MAX_LINK_CHARS || !trimmed.startsWith(PREFIX))
    throw invalid('this is not a Parley device link');
  const params = new URLSearchParams(trimmed.slice(PREFIX.length));
  const address = params.get('a') ?? '';
  const key = params.get('k') ?? '';
  if (!PROVISIONING_ADDRESS_PATTERN.test(address) || !KEY_PATTERN.test(key))
    throw invalid('this Parley device link is damaged');
  return { address, publicKey: fromBase64Url(key) };
}

function invalid(message: string): ParleyError {
  return new ParleyError('INVALID_LINK', message);
}
