export * from './types.js';
export { AccountSettings } from './account-settings.js';
