export { SenderKeyRecord } from './sender-key-record.js';
export { SenderKeyMessage } from './sender-key-message.js';
export { SenderKeyDistributionMessage } from './sender-key-distribution-message.js';
export { groupDecrypt, groupEncrypt, processSenderKeyDistributionMessage } from './group-cipher.js';
