import { isValidUsername } from '@parley/protocol';
import type { DeepLink } from '@parley/core/remote';

export const DEEP_LINK_SCHEME = 'parley';

/**
 * parley:// links the OS hands to the app: `parley://chat/<username>` opens (or starts) the chat
 * with that account, `parley://link` opens device linking. Anything else is ignored: a link is
 * input from any web page or document.
 */
export function parseDeepLink(raw: string): DeepLink | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:` || url.search || url.hash) return undefined;
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  if (url.host === 'link' && path === '') return { kind: 'link-device' };
  if (url.host === 'chat' && isValidUsername(path)) return { kind: 'open-chat', username: path };
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
