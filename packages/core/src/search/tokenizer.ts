/**
 * How text becomes search terms, the same for what is indexed and what is typed (so the two
 * always meet). One function per rule; `tokenize` applies them all and keeps each term's place in
 * the original text so results can highlight it.
 *
 * Rules:
 * - case- and diacritics-insensitive: NFKD, combining marks dropped, lower case ("Café" -> "cafe");
 *   a few letters that do not decompose are folded by hand (ß, æ, ø, œ, ł, đ, ı).
 * - words are runs of letters and digits of any script (Unicode \p{L}\p{N}); everything else
 *   separates, so the words inside URLs and e-mail addresses are words of their own
 *   ("https://blog.example.org/bonjour" -> blog, example, org, bonjour).
 * - elisions: a known elided word before an apostrophe is dropped ("l'arbre", "qu'il" -> arbre,
 *   il); other apostrophes separate ("aujourd'hui" -> aujourd, hui).
 * - scripts written without spaces (Han, Hiragana, Katakana, Thai...): Intl.Segmenter's word
 *   boundaries when the runtime has them, else overlapping character bigrams.
 */

export interface Token {
  /** The normalized term. */
  term: string;
  /** Where it came from in the original text: [start, end) UTF-16 offsets. */
  start: number;
  end: number;
}

/** Letters left alone by NFKD that people still type without their marks. */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ı: 'i',
  þ: 'th',
};

/**
 * Elided articles, pronouns and conjunctions (French, Italian, Catalan) dropped before an
 * apostrophe: "l'arbre" is found as "arbre". A list rather than a length, so "don't" keeps "don".
 */
export const ELIDED = new Set([
  'l',
  'd',
  'j',
  'm',
  'n',
  's',
  't',
  'c',
  'qu',
  'jusqu',
  'lorsqu',
  'puisqu',
  'quoiqu',
  'presqu',
  'dell',
  'all',
  'dall',
  'nell',
  'sull',
  'un',
  'quell',
  'quest',
]);

/** Runs of letters/digits, joined by apostrophes (ASCII or typographic) inside a word. */
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;
const APOSTROPHE = /['’]/;
/** Scripts that do not separate words with spaces. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const COMBINING = /\p{M}/gu;

/** Case and diacritics folded: the form every term is indexed and looked up in. */
export function normalize(text: string): string {
  const decomposed = text.normalize('NFKD').replace(COMBINING, '').toLowerCase();
  let folded = '';
  for (const char of decomposed) folded += FOLDS[char] ?? char;
  return folded;
}

/** Splits `word` at an apostrophe after a short elided prefix ("l'arbre" -> offset of "arbre"). */
export function elisionOffset(word: string): number {
  const match = APOSTROPHE.exec(word);
  if (!match || !ELIDED.has(normalize(word.slice(0, match.index)))) return 0;
  return match.index + 1;
}

type Segment = { segment: string; index: number; isWordLike?: boolean };
interface WordSegmenter {
  segment(text: string): Iterable<Segment>;
}

let segmenter: WordSegmenter | null | undefined;

/** Intl.Segmenter where the runtime has it (all current browsers, Node >= 16), else null. */
function wordSegmenter(): WordSegmenter | null {
  if (segmenter === undefined) {
    const Segmenter = (Intl as { Segmenter?: new (l?: string, o?: object) => WordSegmenter })
      .Segmenter;
    segmenter = Segmenter ? new Segmenter(undefined, { granularity: 'word' }) : null;
  }
  return segmenter;
}

/** Words of unspaced text: the segmenter's, or overlapping bigrams without one. */
export function segmentUnspaced(run: string, offset: number, useSegmenter = true): Token[] {
  const tokens: Token[] = [];
  const seg = useSegmenter ? wordSegmenter() : null;
  if (seg) {
    for (const part of seg.segment(run)) {
      if (part.isWordLike === false) continue;
      const start = offset + part.index;
      tokens.push({ term: normalize(part.segment), start, end: start + part.segment.length });
    }
    return tokens;
  }
  const chars = [...run];
  let position = offset;
  if (chars.length === 1)
    return [{ term: normalize(run), start: offset, end: offset + run.length }];
  for (let i = 0; i + 1 < chars.length; i++) {
    const pair = chars[i]! + chars[i + 1]!;
    tokens.push({ term: normalize(pair), start: position, end: position + pair.length });
    position += chars[i]!.length;
  }
  return tokens;
}

/** One word match of WORD: its elision dropped, unspaced scripts segmented. */
function wordTokens(word: string, start: number, useSegmenter: boolean): Token[] {
  const skip = elisionOffset(word);
  const text = word.slice(skip);
  const at = start + skip;
  if (!UNSPACED.test(text)) {
    return text
      .split(/['’]/)
      .reduce<Token[]>((tokens, part) => {
        const partStart = tokens.length === 0 ? at : tokens.at(-1)!.end + 1;
        tokens.push({ term: normalize(part), start: partStart, end: partStart + part.length });
        return tokens;
      }, [])
      .filter((token) => token.term.length > 0);
  }
  return segmentUnspaced(text, at, useSegmenter).filter((token) => token.term.trim().length > 0);
}

/** Every term of `text` with its place, in order. `useSegmenter: false` forces bigrams (tests). */
export function tokenize(text: string, options: { useSegmenter?: boolean } = {}): Token[] {
  const useSegmenter = options.useSegmenter ?? true;
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    for (const token of wordTokens(match[0], match.index, useSegmenter)) tokens.push(token);
  }
  return tokens;
}

/** Just the terms (what the index stores). */
export function terms(text: string): string[] {
  return tokenize(text).map((token) => token.term);
}
