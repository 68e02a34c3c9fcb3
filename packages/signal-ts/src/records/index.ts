export { PreKeyRecord } from './pre-key-record.js';
export { SignedPreKeyRecord, type SignedPublicPreKey } from './signed-pre-key-record.js';
export { KyberPreKeyRecord, type SignedKyberPublicPreKey } from './kyber-pre-key-record.js';
