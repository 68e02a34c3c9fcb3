/** Usernames typed into one field, separated by commas, spaces or new lines, "@" optional. */
export function parseUsernames(input: string): string[] {
  return [
    ...new Set(
      input
        .split(/[\s,;]+/)
        .map((name) => name.replace(/^@/, '').trim())
        .filter((name) => name.length > 0),
    ),
  ];
}

/** A stable colour per sender (hue from the name), so bubbles of one person look alike. */
export function senderHue(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}
