export { PrivateKey, PublicKey } from './keys.js';
export { IdentityKeyPair } from './identity-key-pair.js';
