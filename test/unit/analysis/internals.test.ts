/**
 * The hot loops of the engine are hand-written scanners that replace regexes and a per-character ring buffer.
 * These properties pin them to the simple reference implementations they replace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEntities, findAliasMatches } from '../../../shared/analysis/analyze.ts';
import { foldText } from '../../../shared/analysis/fold.ts';
import { SARCASM_CUES } from '../../../shared/analysis/lexicon-cues.ts';
import { matchStart, scan } from '../../../shared/analysis/matcher.ts';
import { isSarcastic, tokenize } from '../../../shared/analysis/sentiment.ts';
import { countWords } from '../../../shared/analysis/structure.ts';
import type { TrackedEntity } from '../../../shared/analysis/types.ts';

/** The regex tokenizer the scanner replaced. */
const TOKEN_RE =
  /\/s\b|>{2,}|[\p{L}\p{N}][\p{L}\p{N}'’\-/]*[\p{L}\p{N}]|[\p{L}\p{N}]|\p{Extended_Pictographic}\uFE0F?/gu;
function referenceTokenize(text: string, start: number, end: number) {
  const out = [];
  const slice = text.slice(start, end);
  TOKEN_RE.lastIndex = 0;
  let prevEnd = 0;
  for (let m = TOKEN_RE.exec(slice); m !== null; m = TOKEN_RE.exec(slice)) {
    const raw = m[0];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII test
    const ascii = /^[\x00-\x7f]*$/.test(raw);
    let t = ascii ? raw.toLowerCase() : foldText(raw).replace(/\ufe0f/g, '');
    if (t.length === 0) t = raw;
    out.push({
      t: t.replace(/’/g, "'"),
      start: start + m.index,
      end: start + m.index + raw.length,
      breakBefore: /[,;:.!?()[\]|—–]/.test(slice.slice(prevEnd, m.index)),
      caps: raw.length > 1 && /\p{Lu}/u.test(raw) && raw === raw.toUpperCase(),
    });
    prevEnd = m.index + raw.length;
  }
  return out;
}

function referenceCountWords(text: string, start: number, end: number): number {
  return [...text.slice(start, end).matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu)].length;
}

const SARCASM_RE = new RegExp(SARCASM_CUES.map((re) => `(?:${re.source})`).join('|'), 'u');

const pieces = fc.constantFrom(
  'a',
  'B',
  'Zz',
  '09',
  "'",
  '’',
  '-',
  '/',
  '/s',
  '>>',
  ' ',
  '  ',
  '\t',
  '\n',
  '.',
  ',',
  '—',
  '–',
  '|',
  ':',
  ';',
  'é',
  'É',
  'ß',
  'İ',
  '𝐀',
  '😀\ufe0f',
  '©',
  '\u0301',
  '東',
  'Ω',
  '\ud800',
  '\udc00',
  'K',
  '\u00a0',
  '¨',
  '™',
  'ﬁ',
  'yeah right',
  'Just love how',
  'WOW, thanks',
  '🙄',
  'sure, because',
  'classic again',
);
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 30 }).map((p) => p.join('')),
);
const span = text.chain((t) =>
  fc
    .tuple(fc.nat({ max: t.length }), fc.nat({ max: t.length }))
    .map(([a, b]) => ({ t, a: Math.min(a, b), b: Math.max(a, b) })),
);

describe('engine internals match their reference implementations', () => {
  it('tokenize equals the regex tokenizer', () => {
    fc.assert(
      fc.property(span, ({ t, a, b }) => {
        expect(tokenize(t, a, b)).toEqual(referenceTokenize(t, a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('countWords equals the regex word count', () => {
    fc.assert(
      fc.property(span, ({ t, a, b }) => {
        expect(countWords(t, a, b)).toBe(referenceCountWords(t, a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('isSarcastic (with its literal pre-filter) equals the plain cue regex', () => {
    fc.assert(
      fc.property(span, ({ t, a, b }) => {
        expect(isSarcastic(t, a, b)).toBe(SARCASM_RE.test(t.slice(a, b).toLowerCase().replace(/’/g, "'")));
      }),
      { numRuns: 3000 },
    );
  });

  it('every raw match spans its pattern exactly (start recovered from the folded length)', () => {
    const entities: TrackedEntity[] = [
      {
        id: 'a',
        name: 'Acme Cloud',
        kind: 'brand',
        aliases: [{ value: 'Straße' }, { value: 'a b' }],
        ownedDomains: [],
      },
      {
        id: 'b',
        name: 'Ünïcødé 🚀',
        kind: 'competitor',
        aliases: [{ value: 'ss' }, { value: '(a|b)*' }],
        ownedDomains: [],
      },
    ];
    const compiled = compileEntities(entities);
    const m = compiled.matcher;
    const frag = fc.constantFrom(
      'Acme',
      ' ',
      '  ',
      '\t',
      '\u00a0',
      'Cloud',
      'Stra',
      'ß',
      'ẞ',
      'sse',
      'a',
      'b',
      '(',
      '|',
      ')*',
      'Ü',
      'U\u0308',
      'nïcødé',
      '🚀',
      '\u0301',
      '¨',
      'x',
    );
    fc.assert(
      fc.property(fc.array(frag, { maxLength: 25 }), (parts) => {
        const t = parts.join('');
        for (const r of scan(m, t)) {
          const pattern = m.patterns[r.pattern]!;
          // The span starts at the character holding the pattern's first folded unit (an expansion such as ß -> ss
          // may contribute more units before it) and ends at the last one.
          expect(foldText(t.slice(r.start, r.end)).endsWith(pattern)).toBe(true);
          const next = r.start + ((t.codePointAt(r.start) ?? 0) > 0xffff ? 2 : 1);
          expect(foldText(t.slice(next, r.end)).length).toBeLessThan(pattern.length);
          expect(matchStart(t, r.end, pattern.length)).toBe(r.start);
        }
        for (const c of findAliasMatches(t, compiled)) expect(c.end).toBeGreaterThan(c.start);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds aliases across the scanner chunk boundary (32K units) with non-ASCII around it', () => {
    const compiled = compileEntities([
      { id: 'a', name: 'Acme Cloud', kind: 'brand', aliases: [{ value: 'Straße' }], ownedDomains: [] },
    ]);
    for (let pad = 32_750; pad < 32_780; pad++) {
      for (const filler of ['x', '🚀', 'é']) {
        let head = ' '.repeat(pad % 7);
        while (head.length < pad) head += `${filler} `;
        head = head.slice(0, pad);
        if (/[\ud800-\udbff]$/.test(head)) head = `${head.slice(0, -1)} `;
        const t = `${head} Acme  Cloud and Straße ${filler}`;
        const found = findAliasMatches(t, compiled).map((c) => t.slice(c.start, c.end));
        expect(found).toEqual(['Acme  Cloud', 'Straße']);
      }
    }
  });

  it('two interleaved streams report exactly what one stream reports', () => {
    const compiled = compileEntities([
      {
        id: 'a',
        name: 'Acme Cloud',
        kind: 'brand',
        aliases: [{ value: 'Straße' }, { value: 'a b' }],
        ownedDomains: ['acme.com'],
      },
      {
        id: 'b',
        name: 'Ünïcødé 🚀',
        kind: 'competitor',
        aliases: [{ value: 'ss' }, { value: '(a|b)*' }],
        ownedDomains: [],
      },
    ]);
    const frag = fc.constantFrom(
      'Acme Cloud',
      'Acme  Cloud',
      'acme.com',
      ' ',
      '\n',
      ', ',
      'Straße',
      'ß',
      'a b',
      '(a|b)*',
      'Ünïcødé 🚀',
      'U\u0308nicode',
      '🚀',
      '\u0301',
      '—',
      'x',
      'lorem ipsum ',
    );
    fc.assert(
      fc.property(fc.array(frag, { minLength: 60, maxLength: 300 }), (parts) => {
        const t = parts.join('');
        expect(scan(compiled.matcher, t)).toEqual(scan(compiled.matcher, t, t.length, false));
      }),
      { numRuns: 300 },
    );
  });
});
