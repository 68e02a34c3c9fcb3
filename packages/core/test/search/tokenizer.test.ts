import { describe, expect, it } from 'vitest';
import { highlightRanges } from '../../src/search/highlight.js';
import { elisionOffset, normalize, terms, tokenize } from '../../src/search/tokenizer.js';

describe('normalize', () => {
  it('folds case and diacritics', () => {
    expect(normalize('Café')).toBe('cafe');
    expect(normalize('ÉCOLE')).toBe('ecole');
    expect(normalize('naïve façade')).toBe('naive facade');
    expect(normalize('Müller Größe')).toBe('muller grosse');
  });

  it('folds letters that do not decompose', () => {
    expect(normalize('Straße')).toBe('strasse');
    expect(normalize('cœur')).toBe('coeur');
    expect(normalize('Łódź')).toBe('lodz');
    expect(normalize('Ærø')).toBe('aero');
  });

  it('folds compatibility forms (full-width Latin)', () => {
    expect(normalize('ＣＡＦＥ')).toBe('cafe');
  });
});

describe('tokenize', () => {
  it('gives each word with its place in the original text', () => {
    const text = 'Un Café, SVP';
    expect(tokenize(text)).toEqual([
      { term: 'un', start: 0, end: 2 },
      { term: 'cafe', start: 3, end: 7 },
      { term: 'svp', start: 9, end: 12 },
    ]);
  });

  it('splits URLs and e-mail addresses into their words', () => {
    expect(terms('see https://blog.example.org/bonjour-monde?x=1')).toEqual([
      'see',
      'https',
      'blog',
      'example',
      'org',
      'bonjour',
      'monde',
      'x',
      '1',
    ]);
    expect(terms('write to marie.dupont@exemple.fr')).toEqual([
      'write',
      'to',
      'marie',
      'dupont',
      'exemple',
      'fr',
    ]);
  });

  it('drops elided articles and pronouns before an apostrophe', () => {
    expect(terms("l'arbre qu'il j’aime jusqu'à")).toEqual(['arbre', 'il', 'aime', 'a']);
    const [token] = tokenize("l'Arbre");
    expect(token).toEqual({ term: 'arbre', start: 2, end: 7 });
  });

  it('keeps both parts of an apostrophe that is no elision', () => {
    expect(elisionOffset("aujourd'hui")).toBe(0);
    expect(terms("aujourd'hui")).toEqual(['aujourd', 'hui']);
    expect(terms("don't")).toEqual(['don', 't']);
  });

  it('segments Japanese and Chinese, which have no spaces', () => {
    const japanese = terms('東京で会議があります');
    expect(japanese).toContain('東京');
    expect(japanese).toContain('会議');
    expect(terms('我喜欢喝咖啡')).toContain('咖啡');
  });

  it('falls back to overlapping bigrams without a word segmenter', () => {
    expect(tokenize('咖啡店', { useSegmenter: false })).toEqual([
      { term: '咖啡', start: 0, end: 2 },
      { term: '啡店', start: 1, end: 3 },
    ]);
  });

  it('keeps scripts with spaces as words (Cyrillic, Greek, Arabic)', () => {
    expect(terms('Привет мир')).toEqual(['привет', 'мир']);
    expect(terms('Καλημέρα')).toEqual(['καλημερα']);
    expect(terms('مرحبا بالعالم')).toEqual(['مرحبا', 'بالعالم']);
  });

  it('finds nothing in punctuation and spaces', () => {
    expect(terms(' .,;!? — ')).toEqual([]);
  });
});

describe('highlightRanges', () => {
  it('marks the words a query term begins, in the original text', () => {
    const text = "On boit un Café près de l'arbre ?";
    const ranges = highlightRanges(text, ['caf', 'arb']);
    expect(ranges.map(([start, end]) => text.slice(start, end))).toEqual(['Café', 'arbre']);
  });

  it('marks nothing for an empty query', () => {
    expect(highlightRanges('anything', [])).toEqual([]);
  });
});
