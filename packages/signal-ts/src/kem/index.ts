export { KEMKeyPair, KEMPublicKey, KEMSecretKey } from './keys.js';
