import { ParleyError } from '../errors.js';
import { MAX_CONTACT_NAME_LENGTH, MUTED_FOREVER, type AccountSettingsChange } from './types.js';

const THEMES = new Set(['system', 'light', 'dark']);
const MAX_ID_LENGTH = 128;

/**
 * Checks a change from the UI before it is written (the types say what is allowed; this catches
 * what types cannot: empty ids, over-long names, nonsense mute times). Throws INVALID_SETTING.
 */
export function validateChange(change: AccountSettingsChange): void {
  switch (change.kind) {
    case 'set-read-receipts':
    case 'set-typing-indicators':
      return requireBoolean(change.enabled, 'enabled');
    case 'set-theme':
      if (!THEMES.has(change.theme)) invalid(`unknown theme ${String(change.theme)}`);
      return;
    case 'block':
    case 'unblock':
      return requireId(change.accountId, 'accountId');
    case 'rename-contact':
      requireId(change.accountId, 'accountId');
      if (change.name !== null && typeof change.name !== 'string') invalid('name must be a string');
      if (change.name !== null && change.name.trim().length > MAX_CONTACT_NAME_LENGTH)
        invalid(`a contact name has at most ${MAX_CONTACT_NAME_LENGTH} characters`);
      return;
    case 'accept-request':
      return requireId(change.conversationId, 'conversationId');
    case 'set-chat':
      requireId(change.conversationId, 'conversationId');
      if (change.pinned !== undefined) requireBoolean(change.pinned, 'pinned');
      if (change.archived !== undefined) requireBoolean(change.archived, 'archived');
      // MUTED_FOREVER is the largest safe integer, so this admits 0, a time in ms, and forever.
      if (
        change.mutedUntil !== undefined &&
        !(Number.isSafeInteger(change.mutedUntil) && change.mutedUntil >= 0)
      )
        invalid(`mutedUntil must be 0, a time in ms or MUTED_FOREVER (${MUTED_FOREVER})`);
      return;
    default:
      invalid(`unknown change ${(change as { kind: unknown }).kind as string}`);
  }
}

function requireBoolean(value: unknown, field: string): void {
  if (typeof value !== 'boolean') invalid(`${field} must be a boolean`);
}

function requireId(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH)
    invalid(`${field} must be a non-empty id`);
}

function invalid(message: string): never {
  throw new ParleyError('INVALID_SETTING', message);
}
