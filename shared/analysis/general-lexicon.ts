/**
 * The word valences the scorer uses: VADER's human-validated general-purpose lexicon (about 7,500 words, slang,
 * abbreviations and emoticons, each rated by ten people on -4..+4; Hutto & Gilbert, ICWSM 2014) as shipped by the
 * `vader-sentiment` package, with the product/service domain lexicon of lexicon.ts laid over it (domain values win:
 * "cheap", "slow", "outage" carry meaning in brand talk that a general lexicon misses, and "support", "share",
 * "based", "free" lose the praise a general lexicon gives them, because in answers they state facts).
 *
 * Loaded lazily: VADER's list is read from data/general-lexicon.json (the package's lexicon as plain JSON, written by
 * data/write-general-lexicon.ts and checked against the package by a unit test) on the first lookup, not imported.
 * As a module import it added ~120 KB to every Lambda bundle that reaches the engine, API route groups included, and
 * was parsed at every cold start whether or not the function scored any text. The Lambda construct copies the file
 * beside each bundle (cdk/constructs/node-function.ts), so the same relative path works from source and bundle.
 *
 * Keys are folded the way the tokenizer folds (lower-case ASCII, no diacritics). Multi-word VADER entries become
 * phrases; entries that start with punctuation are emoticons, matched by {@link emoticonValence} on whitespace-
 * delimited chunks (the word tokenizer never sees them).
 */

import { readFileSync } from 'node:fs';
import { DOMAIN_LEXICON } from './lexicon.ts';
import { PHRASES } from './lexicon-phrases.ts';

/** Where the general lexicon is read from, relative to this module (or to the bundle that inlines it). */
export const GENERAL_LEXICON_FILE = 'data/general-lexicon.json';

interface Tables {
  words: Map<string, number>;
  phrases: Map<string, number>;
  emoticons: Map<string, number>;
}

let tables: Tables | null = null;

function load(): Tables {
  let raw: string;
  try {
    raw = readFileSync(new URL(`./${GENERAL_LEXICON_FILE}`, import.meta.url), 'utf8');
  } catch (err) {
    throw new Error(
      `sentiment lexicon missing: ${GENERAL_LEXICON_FILE} must sit beside the analysis engine (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const words = new Map<string, number>();
  const emoticons = new Map<string, number>();
  const vaderPhrases = new Map<string, number>();
  for (const [key, value] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (/^[a-z0-9]/i.test(key)) {
      if (/\s/.test(key)) vaderPhrases.set(key.toLowerCase(), value);
      // Letter-led emoticons ("o:)", "d:") are not words; "can't", "b4", "10/10" are.
      else if (/^[a-z0-9][a-z0-9'\-/]*$/i.test(key)) words.set(key.toLowerCase(), value);
    } else if (!/\s/.test(key) && key.length >= 2) emoticons.set(key, value);
  }
  for (const [k, v] of DOMAIN_LEXICON) words.set(k, v);
  // One-word entries of the phrase list ("shoutout", "letdown") are words: the phrase tree holds only 2-3 words.
  for (const [k, v] of PHRASES) if (!k.includes(' ')) words.set(k, v);
  return { words, phrases: new Map([...vaderPhrases, ...PHRASES]), emoticons };
}

/** The tables, read on first use. */
function loaded(): Tables {
  if (tables === null) tables = load();
  return tables;
}

/** A read-only map over one of the lazily loaded tables (the file is read by the first lookup). */
class LazyTable implements ReadonlyMap<string, number> {
  #table: Map<string, number> | null = null;
  constructor(private readonly pick: (t: Tables) => Map<string, number>) {}
  private get m(): Map<string, number> {
    if (this.#table === null) this.#table = this.pick(loaded());
    return this.#table;
  }
  get(key: string): number | undefined {
    return this.m.get(key);
  }
  has(key: string): boolean {
    return this.m.has(key);
  }
  get size(): number {
    return this.m.size;
  }
  forEach(fn: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (const [k, v] of this.m) fn(v, k, this);
  }
  entries(): MapIterator<[string, number]> {
    return this.m.entries();
  }
  keys(): MapIterator<string> {
    return this.m.keys();
  }
  values(): MapIterator<number> {
    return this.m.values();
  }
  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.m[Symbol.iterator]();
  }
}

/** word -> valence (VADER scale, about -4..+4): VADER's lexicon with the domain lexicon over it. */
export const LEXICON: ReadonlyMap<string, number> = new LazyTable((t) => t.words);

/** Multi-word expressions: VADER's few multi-word entries, then the domain phrases and idioms (domain wins). */
export const ALL_PHRASES: ReadonlyMap<string, number> = new LazyTable((t) => t.phrases);

/** Emoticon -> valence (VADER's ratings), exact case first (":D"), then lower-cased. */
export const EMOTICONS: ReadonlyMap<string, number> = new LazyTable((t) => t.emoticons);

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
