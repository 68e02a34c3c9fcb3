/**
 * One device per browser profile: its keys, chats and outbox live in this IndexedDB database,
 * which the page and the service worker (woken by a push) both open.
 */
export const DATABASE_NAME = 'parley';
