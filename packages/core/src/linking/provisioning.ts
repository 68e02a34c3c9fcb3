/**
 * The code only linking a device runs (`@parley/core/provisioning`): the provisioning cipher
 * (X25519, XChaCha20-Poly1305), its message, link and socket, and the words both screens show;
 * and the other XChaCha20-Poly1305 seals, of device names and profiles, needed only once a device
 * list or a profile is read or written (none of it on the first screen).
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
export { openDeviceName, sealDeviceName, validDeviceName } from './device-name-cipher.js';
export { openProfile, sealProfile } from '../profiles/profile-cipher.js';
