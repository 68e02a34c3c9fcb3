/**
 * Errors shown to people in words they can act on. Core and the relay report stable codes
 * (docs/relay-api.md); anything unknown still gets a sentence, never a stack trace.
 */

export type UserAction = 'register' | 'open-chat' | 'send' | 'safety-number' | 'verify' | 'start';

const byCode: Record<string, string> = {
  USERNAME_TAKEN: 'That username is already taken. Try another one.',
  MALFORMED: 'That request was not accepted. Check what you typed and try again.',
  RATE_LIMITED: 'Too many attempts in a short time. Wait a moment and try again.',
  UNAVAILABLE: 'The Parley server is starting or busy. Try again in a moment.',
  UNAUTHENTICATED: 'This device is no longer signed in to Parley.',
  TOO_LARGE: 'That is too large to send.',
};

const notFoundByAction: Partial<Record<UserAction, string>> = {
  'open-chat': 'No one uses that username. Check the spelling and try again.',
  'safety-number': 'That contact could not be found.',
};

export function describeError(error: unknown, action: UserAction): string {
  const code = errorCode(error);
  if (code === 'NOT_FOUND' && notFoundByAction[action]) return notFoundByAction[action];
  if (code && byCode[code]) return byCode[code];
  if (isNetworkFailure(error)) {
    return "Can't reach the Parley server. Check your connection and try again.";
  }
  const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
  return `Something went wrong${detail}. Please try again.`;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code.toUpperCase() : undefined;
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network/i.test(error.message);
}
