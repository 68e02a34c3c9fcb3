import {
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  usernameProblem as problemOf,
} from '@parley/protocol';

/**
 * The relay's username rule (one definition, in @parley/protocol; docs/relay-api.md), put into
 * words. Checked here first so a person learns what is wrong before a round trip.
 */

/** What the person typed, as the relay expects it. */
export function normalizeUsername(input: string): string {
  return input.trim().replace(/^@/, '').toLowerCase();
}

/** null when valid, else a sentence saying what to change. */
export function usernameProblem(username: string): string | null {
  const problem = problemOf(username);
  switch (problem?.kind) {
    case undefined:
      return null;
    case 'empty':
      return 'Choose a username.';
    case 'too-short':
      return `A username needs at least ${USERNAME_MIN_LENGTH} characters.`;
    case 'too-long':
      return `A username can have at most ${USERNAME_MAX_LENGTH} characters.`;
    case 'first-not-letter':
      return 'A username must start with a letter.';
    case 'bad-character':
      return `“${problem.character}” can't be used: only letters, digits, “_” and “.” are allowed.`;
  }
}
