import { isValidUsername } from '@parley/protocol';
import type { DeepLink } from '@parley/core/remote';

export const DEEP_LINK_SCHEME = 'parley';

/**
 * parley:// links the OS hands to the app: `parley://chat/<username>` opens (or starts) the chat
 * with that account, `parley://link` opens device linking. Anything else is ignored: a link is
 * input from any web page or document.
 */
export function parseDeepLink(raw: string): DeepLink | undefined {
  // Matched on the raw text: URL parsing would resolve `chat/../x` into another link.
  if (/^parley:\/\/link\/?$/.test(raw)) return { kind: 'link-device' };
  const chat = /^parley:\/\/chat\/([^/?#]+)\/?$/.exec(raw);
  if (chat && isValidUsername(chat[1]!)) return { kind: 'open-chat', username: chat[1]! };
  return undefined;
}

/**
 * On Windows and Linux a link arrives as a command-line argument of a second instance (or of the
 * first start); macOS uses the open-url event instead.
 */
export function deepLinkFromArgv(argv: readonly string[]): DeepLink | undefined {
  for (const arg of argv) {
    if (!arg.startsWith(`${DEEP_LINK_SCHEME}://`)) continue;
    const link = parseDeepLink(arg);
    if (link) return link;
  }
  return undefined;
}
