/**
 * The code only linking a device runs (`@parley/core/provisioning`): the provisioning cipher
 * (X25519, XChaCha20-Poly1305), its message, link and socket, and the words both screens show.
 * Core never imports it itself: the platform passes it as MessengerOptions.provisioning, a page
 * as a lazy import, so a browser's start-up does not carry it (docs/decisions/0503).
 */
export { fingerprintWords } from './fingerprint-words.js';
export {
  generateProvisioningKeyPair,
  openProvisioning,
  sealProvisioning,
} from './provisioning-cipher.js';
export { formatProvisioningLink, parseProvisioningLink } from './provisioning-link.js';
export { decodeProvisioningMessage, encodeProvisioningMessage } from './provisioning-message.js';
export { openProvisioningSocket } from './provisioning-socket.js';
