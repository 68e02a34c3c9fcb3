/**
 * Errors shown to people in words they can act on. Core reports stable codes (ParleyError);
 * anything unknown still gets a sentence, never a stack trace.
 */

export type UserAction =
  | 'register'
  | 'open-chat'
  | 'send'
  | 'safety-number'
  | 'verify'
  | 'start'
  | 'attach'
  | 'download'
  | 'record'
  | 'sign-out'
  | 'delete-account'
  | 'request'
  | 'timer'
  | 'view-once'
  | 'message-action'
  | 'link'
  | 'devices'
  | 'profile'
  | 'rename-device';

const unreachable = "Can't reach the Parley server. Check your connection and try again.";

/** Core's ParleyError codes (packages/core/src/errors.ts) in words. */
const byCode: Record<string, string> = {
  RELAY_UNREACHABLE: unreachable,
  USERNAME_TAKEN:
    'That username, or one that looks just like it, is already taken. Try another one.',
  INVALID_USERNAME:
    'That username is not allowed: use 3–32 letters, digits, “_” or “.”, starting with a letter.',
  UNKNOWN_USER: 'No one uses that username. Check the spelling and try again.',
  UNKNOWN_CONVERSATION: 'That chat no longer exists on this device.',
  INVALID_MESSAGE: 'That message is empty or too long to send.',
  ALREADY_REGISTERED: 'This device already has an account. Reload the page to open it.',
  NOT_REGISTERED: 'This device has no account yet. Sign up first.',
  CLOSED: 'Parley was closed. Reload the page to continue.',
  NO_IDENTITY_CHANGE: "This contact's safety number did not change.",
  ATTACHMENT_TOO_LARGE: 'That file is too large to send (up to 100 MB).',
  QUOTA_EXCEEDED: 'Your storage for attachments is full. Try again after older ones expire.',
  UNSUPPORTED_TYPE: "That type of file can't be sent (programs and scripts are refused).",
  ATTACHMENT_CORRUPT: 'This file was damaged or tampered with on the way, so it was not opened.',
  ATTACHMENT_GONE: 'This file is no longer available (it expired or was deleted).',
  TRANSFER_CANCELLED: 'Cancelled.',
  ACCOUNT_GONE: 'This account no longer exists. Messages can no longer be sent to it.',
  USERNAME_MISMATCH: "That isn't your username. Type it exactly to delete your account.",
  NOT_A_REQUEST: 'This chat is no longer a message request.',
  INVALID_TIMER:
    'Disappearing messages can be set to 30 seconds, 5 minutes, 1 hour, 1 day or 1 week.',
  VIEW_ONCE_UNAVAILABLE: 'This view-once media was already opened.',
  NOT_AUTHOR: 'Only the person who sent a message can edit or delete it for everyone.',
  WINDOW_PASSED: 'This message is too old to edit or delete for everyone.',
  MESSAGE_DELETED: 'This message was deleted.',
  UNKNOWN_MESSAGE: 'That message is no longer on this device.',
  INVALID_LINK: "That isn't a Parley device code. Scan the code shown on the new device.",
  LINK_EXPIRED: 'This code expired or was already used. Show a new code on the new device.',
  LINK_TAMPERED:
    'The linking message was damaged or tampered with on the way, so it was refused. Show a new code and try again.',
  UNKNOWN_DEVICE: 'That device is no longer linked to your account.',
  INVALID_PROFILE:
    'A name has up to 64 characters and an about line up to 140; the photo must be an image.',
  INVALID_DEVICE_NAME: 'A device name has 1 to 64 characters.',
  DEVICE_NAME_TAMPERED: 'That device’s name was damaged or tampered with, so it is not shown.',
  // core/remote: the tab holding the connection closed mid-request (src/tabs, decision 0710)
  BACKEND_CHANGED:
    'The tab that held Parley’s connection closed before this finished. Check whether it went through, then try again if needed.',
  // GroupError (packages/core/src/groups/errors.ts)
  'REJECTED-OP': "You can't do that in this group (only admins can, or it no longer applies).",
  'INVALID-OP': "That change to the group isn't valid.",
};

const failed: Record<UserAction, string> = {
  register: "Your account couldn't be created",
  'open-chat': "The chat couldn't be opened",
  send: "The message couldn't be sent",
  'safety-number': "The safety number couldn't be computed",
  verify: "The verification couldn't be saved",
  start: "Parley couldn't open its storage",
  attach: "The file couldn't be sent",
  download: "The file couldn't be downloaded",
  record: "The voice message couldn't be recorded",
  'sign-out': "This device couldn't be signed out",
  'delete-account': "Your account couldn't be deleted",
  request: "The message request couldn't be answered",
  timer: "The disappearing-messages timer couldn't be changed",
  'view-once': "The view-once media couldn't be opened",
  'message-action': "That couldn't be done",
  link: "The device couldn't be linked",
  devices: "Your devices couldn't be loaded",
  profile: "Your profile couldn't be saved",
  'rename-device': "The device couldn't be renamed",
};

export function describeError(error: unknown, action: UserAction): string {
  const code = errorCode(error);
  if (code && byCode[code]) return byCode[code];
  if (code === 'RELAY_REJECTED' && error instanceof Error) {
    return `The Parley server refused this (${error.message}). Try again in a moment.`;
  }
  if (isNetworkFailure(error)) return unreachable;
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return `${failed[action]}${detail}. Please try again.`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code.toUpperCase() : undefined;
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network/i.test(error.message);
}
