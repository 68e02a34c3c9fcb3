/**
 * The username rule (docs/relay-api.md, "Identifiers"): 3 to 32 characters of a-z, 0-9, `_` and
 * `.`, starting with a letter. The relay compares usernames byte for byte and lower-cases nothing,
 * so clients send them in lower case. The relay's schema, core and the web sign-up all use this.
 */

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;

export const USERNAME_PATTERN = new RegExp(
  `^[a-z][a-z0-9_.]{${USERNAME_MIN_LENGTH - 1},${USERNAME_MAX_LENGTH - 1}}$`,
);

/** What makes a string not a username, first problem first (for a message that says what to change). */
export type UsernameProblem =
  | { kind: 'empty' }
  | { kind: 'too-short' }
  | { kind: 'too-long' }
  | { kind: 'first-not-letter' }
  | { kind: 'bad-character'; character: string };

export function isValidUsername(username: string): boolean {
  return USERNAME_PATTERN.test(username);
}

/** null for a valid username. */
export function usernameProblem(username: string): UsernameProblem | null {
  if (username.length === 0) return { kind: 'empty' };
  if (username.length < USERNAME_MIN_LENGTH) return { kind: 'too-short' };
  if (username.length > USERNAME_MAX_LENGTH) return { kind: 'too-long' };
  if (!/^[a-z]/.test(username)) return { kind: 'first-not-letter' };
  const bad = /[^a-z0-9_.]/.exec(username);
  if (bad) return { kind: 'bad-character', character: bad[0] };
  return null;
}

/**
 * Look-alike pairs the skeleton folds together, longest first: digits that pass for letters and
 * letter pairs that pass for one letter in common fonts. Kept small on purpose: every pair here
 * takes names away from people, so only pairs that actually fool readers are listed.
 */
const CONFUSABLES: readonly (readonly [string, string])[] = [
  ['rn', 'm'],
  ['vv', 'w'],
  ['0', 'o'],
  ['1', 'l'],
  ['i', 'l'],
  ['5', 's'],
];

/**
 * The username's skeleton (docs/relay-api.md, "Identifiers"): separators dropped and look-alikes
 * folded, so `alice`, `alice.`, `a.lice`, `alice_` and `a1ice` share one. The relay registers a
 * name only if no account holds its skeleton.
 */
export function usernameSkeleton(username: string): string {
  let skeleton = username.toLowerCase().replace(/[._]/g, '');
  for (const [from, to] of CONFUSABLES) skeleton = skeleton.replaceAll(from, to);
  return skeleton;
}
