/**
 * A direct conversation's id is derived from its two account ids, so both sides (and all their
 * devices) independently converge on one document without any coordination.
 */
export async function directConversationId(accountA: string, accountB: string): Promise<string> {
  const [first, second] = [accountA, accountB].sort();
  const input = new TextEncoder().encode(`parley-direct-v1\0${first}\0${second}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  let hex = '';
  for (const byte of digest.subarray(0, 16)) hex += byte.toString(16).padStart(2, '0');
  return `d-${hex}`;
}
