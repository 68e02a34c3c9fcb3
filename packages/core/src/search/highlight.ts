import { tokenize } from './tokenizer.js';

/** A highlighted stretch of a text: [start, end) UTF-16 offsets. */
export type HighlightRange = readonly [start: number, end: number];

/**
 * The places in `text` that match the query's terms the way the index does (a word of `text`
 * starting with a query term). Adjacent or overlapping ranges are merged.
 */
export function highlightRanges(text: string, queryTerms: readonly string[]): HighlightRange[] {
  if (queryTerms.length === 0) return [];
  const ranges: Array<[number, number]> = [];
  for (const token of tokenize(text)) {
    if (!queryTerms.some((term) => token.term.startsWith(term))) continue;
    const last = ranges.at(-1);
    if (last && token.start <= last[1]) last[1] = Math.max(last[1], token.end);
    else ranges.push([token.start, token.end]);
  }
  return ranges;
}
