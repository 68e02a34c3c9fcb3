import { useId, useState, type MouseEvent } from 'react';
import { UNFOLD_EVENT } from './use-stick-to-bottom.js';

/** Bodies longer than this are collapsed (WhatsApp and Signal fold long messages the same way). */
export const COLLAPSE_OVER_CHARS = 1_200;
/** ...or with more lines than this. */
const COLLAPSE_OVER_LINES = 24;
/** What a collapsed body shows: about a screenful of a bubble. */
const EXCERPT_CHARS = 700;
const EXCERPT_LINES = 12;

/**
 * Messages this session expanded: virtualization unmounts bubbles scrolled away, and an expanded
 * message must not fold up again when it comes back into view.
 */
const expanded = new Set<string>();

export function isLong(body: string): boolean {
  if (body.length > COLLAPSE_OVER_CHARS) return true;
  let lines = 1;
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) {
    if (++lines > COLLAPSE_OVER_LINES) return true;
  }
  return false;
}

/** The start of a long body, cut at a word boundary when there is one near the end. */
export function excerptOf(body: string): string {
  let end = Math.min(body.length, EXCERPT_CHARS);
  let newline = -1;
  for (let line = 0; line < EXCERPT_LINES; line++) {
    newline = body.indexOf('\n', newline + 1);
    if (newline < 0) break;
  }
  if (newline >= 0 && newline < end) end = newline;
  const space = body.lastIndexOf(' ', end);
  if (space > end * 0.8) end = space;
  return `${body.slice(0, end).trimEnd()}…`;
}

/**
 * A message's text, `dir="auto"` so right-to-left text reads right to left. A long body shows its
 * start and a "Read more" button (aria-expanded) that unfolds it in place.
 */
export function MessageText({ messageId, body }: { messageId: string; body: string }) {
  const [open, setOpen] = useState(() => expanded.has(messageId));
  const id = useId();
  if (!isLong(body)) {
    return (
      <span className="bubble__text" dir="auto">
        {body}
      </span>
    );
  }
  const toggle = (event: MouseEvent<HTMLButtonElement>) => {
    if (open) expanded.delete(messageId);
    else expanded.add(messageId);
    // The list keeps its place instead of following the bubble's new end.
    event.currentTarget.dispatchEvent(new Event(UNFOLD_EVENT, { bubbles: true }));
    setOpen(!open);
  };
  return (
    <>
      <span className="bubble__text" dir="auto" id={id}>
        {open ? body : excerptOf(body)}
      </span>
      <button
        type="button"
        className="bubble__more"
        aria-expanded={open}
        aria-controls={id}
        onClick={toggle}
      >
        {open ? 'Show less' : 'Read more'}
      </button>
    </>
  );
}
