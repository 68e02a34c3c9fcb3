/**
 * The relay's username rules (docs/relay-api.md): 3 to 32 characters of a-z, 0-9, `_` and `.`,
 * starting with a letter, sent in lower case. Checked here first so a person learns what is wrong
 * before a round trip.
 */
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;

/** What the person typed, as the relay expects it. */
export function normalizeUsername(input: string): string {
  return input.trim().replace(/^@/, '').toLowerCase();
}

/** null when valid, else a sentence saying what to change. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return 'Choose a username.';
  if (username.length < USERNAME_MIN)
    return `A username needs at least ${USERNAME_MIN} characters.`;
  if (username.length > USERNAME_MAX)
    return `A username can have at most ${USERNAME_MAX} characters.`;
  if (!/^[a-z]/.test(username)) return 'A username must start with a letter.';
  const bad = username.match(/[^a-z0-9_.]/);
  if (bad) return `“${bad[0]}” can't be used: only letters, digits, “_” and “.” are allowed.`;
  return null;
}
