import type { HighlightRange } from '../messenger/types.js';

/** Characters of context kept before the first match when a long text is cut to a snippet. */
export const SNIPPET_LEAD = 40;

/**
 * `text` with its matching words in <mark>. `snippet`: start shortly before the first match
 * (with an ellipsis), so the match of a long message is visible in a one-line result.
 */
export function Highlighted({
  text,
  ranges,
  snippet = false,
}: {
  text: string;
  ranges: readonly HighlightRange[];
  snippet?: boolean;
}) {
  const first = ranges[0]?.[0] ?? 0;
  const offset = snippet && first > SNIPPET_LEAD ? textStartNear(text, first - SNIPPET_LEAD) : 0;
  const parts: React.ReactNode[] = offset > 0 ? ['…'] : [];
  let at = offset;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(Math.max(start, at), end)}</mark>);
    at = end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** The start of the word at or after `index`, so a snippet does not begin mid-word. */
function textStartNear(text: string, index: number): number {
  const space = text.indexOf(' ', index);
  return space < 0 ? index : space + 1;
}
