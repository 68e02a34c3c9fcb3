export { DisplayableFingerprint, Fingerprint, ScannableFingerprint } from './fingerprint.js';
