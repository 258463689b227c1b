/**
 * The word valences the scorer uses: VADER's human-validated general-purpose lexicon (about 7,500 words, slang,
 * abbreviations and emoticons, each rated by ten people on -4..+4; Hutto & Gilbert, ICWSM 2014) as shipped by the
 * `vader-sentiment` package, with the product/service domain lexicon of lexicon.ts laid over it (domain values win:
 * "cheap", "slow", "outage" carry meaning in brand talk that a general lexicon misses, and "support", "share",
 * "based", "free" lose the praise a general lexicon gives them, because in answers they state facts).
 *
 * Keys are folded the way the tokenizer folds (lower-case ASCII, no diacritics). Multi-word VADER entries become
 * phrases; entries that start with punctuation are emoticons, matched by {@link emoticonValence} on whitespace-
 * delimited chunks (the word tokenizer never sees them).
 */

import { lexicon as vaderLexicon } from 'vader-sentiment/src/vader_lexicon.js';
import { DOMAIN_LEXICON, PHRASES } from './lexicon.ts';

const words = new Map<string, number>();
const emoticons = new Map<string, number>();
const vaderPhrases = new Map<string, number>();

for (const [key, value] of Object.entries(vaderLexicon as Record<string, number>)) {
  if (typeof value !== 'number' || !Number.isFinite(value)) continue;
  if (/^[a-z0-9]/i.test(key)) {
    if (/\s/.test(key)) vaderPhrases.set(key.toLowerCase(), value);
    // Letter-led emoticons ("o:)", "d:") are not words; "can't", "b4", "10/10" are.
    else if (/^[a-z0-9][a-z0-9'\-/]*$/i.test(key)) words.set(key.toLowerCase(), value);
  } else if (!/\s/.test(key) && key.length >= 2) emoticons.set(key, value);
}
for (const [k, v] of DOMAIN_LEXICON) words.set(k, v);

/** word -> valence (VADER scale, about -4..+4): VADER's lexicon with the domain lexicon over it. */
export const LEXICON: ReadonlyMap<string, number> = words;

/** Multi-word expressions: VADER's few multi-word entries, then the domain phrases and idioms (domain wins). */
export const ALL_PHRASES: ReadonlyMap<string, number> = new Map([...vaderPhrases, ...PHRASES]);

/** Emoticon -> valence (VADER's ratings), exact case first (":D"), then lower-cased. */
export const EMOTICONS: ReadonlyMap<string, number> = emoticons;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0;
}

/** Cheap pre-check: characters that open an emoticon. */
function opensEmoticon(c: number): boolean {
  // : ; = < > ( ) [ ] { } ^ * / \ | @ $ % & ' , - . 8 ...: only the punctuation ones VADER lists.
  return c === 58 || c === 59 || c === 61 || c === 60 || c === 62 || c === 40 || c === 41 || c === 91 || c === 93;
}

/**
 * Sum of the emoticons in text[from,to) that stand alone (whitespace or the span edge on both sides; a trailing
 * sentence mark is allowed: "thanks :)." ). Emoticons are matched whole, so "(see below)" or "a:b" never count.
 */
export function emoticonValence(text: string, from: number, to: number): { sum: number; hits: number } {
  let sum = 0;
  let hits = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!opensEmoticon(c)) continue;
    if (i > 0 && !isSpace(text.charCodeAt(i - 1)) && i !== from) continue;
    let j = i + 1;
    while (j < to && j - i < 8 && !isSpace(text.charCodeAt(j))) j++;
    if (j < to && !isSpace(text.charCodeAt(j))) continue;
    let chunk = text.slice(i, j);
    let v = EMOTICONS.get(chunk) ?? EMOTICONS.get(chunk.toLowerCase());
    if (v === undefined && chunk.length > 2 && /[.,!?]$/.test(chunk)) {
      chunk = chunk.slice(0, -1);
      v = EMOTICONS.get(chunk) ?? EMOTICONS.get(chunk.toLowerCase());
    }
    if (v !== undefined) {
      sum += v;
      hits++;
    }
    i = j;
  }
  return { sum, hits };
}
