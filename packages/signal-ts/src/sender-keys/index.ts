export { SenderKeyRecord } from './sender-key-record.js';
