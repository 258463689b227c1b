/**
 * Rule/lexicon sentiment scorer, VADER-style: token valences with negation, boosters, contrast weighting
 * ("good but pricey" leans negative), comparatives ("X is cheaper than Y": X up, Y down) and sarcasm cues.
 * It scores SPANS; the analyzer decides which span belongs to which entity (target sentiment).
 */

import { foldText } from './fold.ts';
import { BOOSTERS, COMPARATIVES, LEXICON, NEGATORS, PHRASES, SARCASM_CUES } from './lexicon.ts';

export interface Token {
  /** Folded form. */
  t: string;
  start: number;
  end: number;
  /** Punctuation break (, ; : . ! ?) directly before this token: negation does not cross it. */
  breakBefore: boolean;
  /** Original token was all upper-case (and longer than 1 char). */
  caps: boolean;
}

const TOKEN_RE =
  /\/s\b|>{2,}|[\p{L}\p{N}][\p{L}\p{N}'’\-/]*[\p{L}\p{N}]|[\p{L}\p{N}]|\p{Extended_Pictographic}\uFE0F?/gu;

/** Tokenizes text[start,end) into folded tokens with original offsets. */
export function tokenize(text: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  const slice = text.slice(start, end);
  TOKEN_RE.lastIndex = 0;
  let prevEnd = 0;
  for (let m = TOKEN_RE.exec(slice); m !== null; m = TOKEN_RE.exec(slice)) {
    const raw = m[0];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII fast path test
    const ascii = /^[\x00-\x7f]*$/.test(raw);
    let t = ascii ? raw.toLowerCase() : foldText(raw).replace(/\ufe0f/g, '');
    if (t.length === 0) t = raw;
    const gap = slice.slice(prevEnd, m.index);
    out.push({
      t: t.replace(/’/g, "'"),
      start: start + m.index,
      end: start + m.index + raw.length,
      breakBefore: /[,;:.!?()[\]|—–]/.test(gap),
      caps: raw.length > 1 && /\p{Lu}/u.test(raw) && raw === raw.toUpperCase(),
    });
    prevEnd = m.index + raw.length;
  }
  return out;
}

/** VADER normalisation of a raw sum into [-1, 1]. */
export function normalizeScore(sum: number, alpha = 15): number {
  if (sum === 0) return 0;
  const s = sum / Math.sqrt(sum * sum + alpha);
  return Math.max(-1, Math.min(1, s));
}

export interface SpanScore {
  /** Raw valence sum (VADER scale). */
  sum: number;
  /** Number of sentiment-bearing hits. */
  hits: number;
}

// Not "mas": Portuguese "but" folds to the same token as Spanish "más" (more).
const CONTRAST_MID = new Set(['but', 'however', 'though', 'yet', 'except', 'pero', 'mais', 'aber']);
const ADVERB_AFTER_NEGATIVE = new Set(['fast', 'quick', 'quickly', 'faster']);
/** Concessions: the clause they open is subordinate ("expensive, although its reporting is stronger"). */
const CONCESSION_MID = new Set(['although', 'albeit']);
/** Split clauses without shifting weight ("X is fast, while Y is cheap"). */
const CLAUSE_SPLIT = new Set(['while', 'whereas', 'meanwhile', 'mientras', 'tandis']);
const CONTRAST_LEAD = new Set(['although', 'though', 'while', 'whereas', 'despite', 'even']);

/**
 * Scores tokens[a,b). Tokens for which `skip(i)` is true (e.g. inside a brand name like "Best Buy") are ignored.
 * `sarcastic` turns positive valences negative.
 */
export function scoreTokens(
  tokens: readonly Token[],
  a: number,
  b: number,
  skip: (i: number) => boolean,
  sarcastic: boolean,
): SpanScore {
  let sum = 0;
  let hits = 0;
  let prevValence = 0;
  for (let i = a; i < b; i++) {
    if (skip(i)) continue;
    const tok = tokens[i]!;
    if (tok.breakBefore) prevValence = 0;
    let v: number | undefined;
    let used = 1;
    // Phrases (3- then 2-grams) first.
    if (i + 2 < b) {
      v = PHRASES.get(`${tok.t} ${tokens[i + 1]!.t} ${tokens[i + 2]!.t}`);
      if (v !== undefined) used = 3;
    }
    if (v === undefined && i + 1 < b) {
      v = PHRASES.get(`${tok.t} ${tokens[i + 1]!.t}`);
      if (v !== undefined) used = 2;
    }
    if (v === undefined) v = LEXICON.get(tok.t);
    // "gets expensive fast", "drains quickly": after a negative word these adverbs intensify, they do not praise.
    if (v !== undefined && used === 1 && prevValence < 0 && ADVERB_AFTER_NEGATIVE.has(tok.t)) v = prevValence * 0.3;
    if (v === undefined || v === 0) {
      i += used - 1;
      continue;
    }
    const phraseHandlesNegation = used > 1 && (tok.t === 'not' || tok.t === 'no' || tok.t === 'never');
    // Boosters/diminishers and more/less just before.
    let k = i - 1;
    let boosted = false;
    while (k >= a && k >= i - 2 && !tokens[k + 1]!.breakBefore) {
      const t = tokens[k]!.t;
      const boost = BOOSTERS.get(t);
      if (boost !== undefined && !boosted) {
        v *= boost;
        boosted = true;
      } else if (t === 'less' || t === 'fewer') {
        v = -v * 0.8;
        break;
      }
      k--;
    }
    // Negation within 3 tokens before, not across punctuation.
    if (!phraseHandlesNegation) {
      for (let j = i - 1; j >= a && j >= i - 3; j--) {
        if (tokens[j + 1]!.breakBefore) break;
        const t = tokens[j]!.t;
        if (NEGATORS.has(t) || t.endsWith("n't")) {
          v *= -0.6;
          break;
        }
      }
    }
    if (tok.caps) v *= 1.2;
    if (sarcastic && v > 0) v = -v * 0.8;
    sum += v;
    hits++;
    prevValence = v;
    i += used - 1;
  }
  return { sum, hits };
}

export interface Clause {
  a: number;
  b: number;
  weight: number;
  /** Leading pros/cons label inside the sentence ("Cons: ..."). */
  prior: number;
}

/** Splits a sentence's tokens into clauses with contrast weights. */
export function splitClauses(tokens: readonly Token[], text: string): Clause[] {
  const clauses: Clause[] = [];
  const n = tokens.length;
  if (n === 0) return clauses;
  const cuts: { at: number; contrast: boolean; concession?: boolean }[] = [];
  for (let i = 1; i < n; i++) {
    const t = tokens[i]!.t;
    const prevEnd = tokens[i - 1]!.end;
    const gap = text.slice(prevEnd, tokens[i]!.start);
    if (CONTRAST_MID.has(t)) cuts.push({ at: i, contrast: true });
    else if (CONCESSION_MID.has(t) || (t === 'even' && tokens[i + 1]?.t === 'though'))
      cuts.push({ at: i, contrast: false, concession: true });
    else if (CLAUSE_SPLIT.has(t)) cuts.push({ at: i, contrast: false });
    else if (/[;|]|\s[-—–]\s|—/.test(gap)) cuts.push({ at: i, contrast: false });
    else if (/:/.test(gap) && /^(?:pros?|cons?|downsides?|drawbacks?|upsides?|verdict|bottom|but)$/.test(t)) {
      cuts.push({ at: i, contrast: false });
    } else if (/[:]/.test(gap) && /^(?:pros?|cons?|downsides?|drawbacks?)$/.test(tokens[i - 1]!.t)) {
      cuts.push({ at: i - 1, contrast: false });
    }
  }
  // A sentence starting with "Although ..., X" puts the weight on the part after the first comma.
  const leadContrast = CONTRAST_LEAD.has(tokens[0]!.t);
  if (leadContrast) {
    for (let i = 1; i < n; i++) {
      if (tokens[i]!.breakBefore && /,/.test(text.slice(tokens[i - 1]!.end, tokens[i]!.start))) {
        if (!cuts.some((c) => c.at === i)) cuts.push({ at: i, contrast: true });
        break;
      }
    }
  }
  cuts.sort((x, y) => x.at - y.at);
  let start = 0;
  const bounds: { a: number; b: number; contrastAfter: boolean; concession: boolean }[] = [];
  let concession = false;
  for (const c of cuts) {
    if (c.at <= start) continue;
    bounds.push({ a: start, b: c.at, contrastAfter: c.contrast, concession });
    concession = c.concession === true;
    start = c.at;
  }
  bounds.push({ a: start, b: n, contrastAfter: false, concession });
  for (let k = 0; k < bounds.length; k++) {
    const cur = bounds[k]!;
    let weight = 1;
    if (cur.contrastAfter) weight *= 0.5;
    if (k > 0 && bounds[k - 1]!.contrastAfter) weight *= 1.5;
    if (cur.concession) weight *= 0.5;
    const first = tokens[cur.a]!.t;
    const next = tokens[cur.a + 1];
    const colonAfterFirst = /:/.test(text.slice(tokens[cur.a]!.end, next ? next.start : tokens[cur.a]!.end + 1));
    let prior = 0;
    if (colonAfterFirst && /^(?:pros?|upsides?|strengths?)$/.test(first)) prior = 1.2;
    if (colonAfterFirst && /^(?:cons?|downsides?|drawbacks?|weaknesses?)$/.test(first)) prior = -1.2;
    clauses.push({ a: cur.a, b: cur.b, weight, prior });
  }
  return clauses;
}

/** True when the folded text of the span carries a sarcasm cue. */
export function isSarcastic(text: string, start: number, end: number): boolean {
  const s = text.slice(start, end).toLowerCase().replace(/’/g, "'");
  return SARCASM_RE.test(s);
}

const SARCASM_RE = new RegExp(SARCASM_CUES.map((re) => `(?:${re.source})`).join('|'), 'u');

export interface ComparativeHit {
  /** Index of the comparative token. */
  at: number;
  /** Index where the "other side" begins (token after than/over/to/vs), or the verb itself for beats/outperforms. */
  pivot: number;
  polarity: number;
}

const PIVOTS = new Set(['than', 'over', 'vs', 'versus', 'que', 'als']);

/** Finds a comparative construction in tokens[a,b). */
export function findComparative(
  tokens: readonly Token[],
  a: number,
  b: number,
  skip: (i: number) => boolean,
): ComparativeHit | null {
  for (let i = a; i < b; i++) {
    if (skip(i)) continue;
    const t = tokens[i]!.t;
    let polarity = t.startsWith('>>') ? 1 : COMPARATIVES.get(t);
    if (polarity === undefined && (t === 'more' || t === 'less') && i + 1 < b) {
      const v = LEXICON.get(tokens[i + 1]!.t);
      if (v !== undefined) polarity = (t === 'more' ? 1 : -1) * Math.sign(v);
    }
    if (polarity === undefined) continue;
    let negated = false;
    for (let j = i - 1; j >= a && j >= i - 3; j--) {
      const u = tokens[j]!.t;
      if (NEGATORS.has(u) || u.endsWith("n't")) negated = true;
    }
    if (negated) polarity = -polarity * 0.6;
    const isVerb = /^(?:beats|outperforms|outshines|trails|lags|prefer|preferred|>>+)$/.test(t);
    for (let j = i + 1; j < b && j <= i + 8; j++) {
      const u = tokens[j]!.t;
      if (PIVOTS.has(u) || (isVerb && (u === 'to' || u === 'over'))) return { at: i, pivot: j + 1, polarity };
      if (u === 'compared' || u === 'relative') return { at: i, pivot: j + 1, polarity };
    }
    if (isVerb && t !== 'prefer' && t !== 'preferred') return { at: i, pivot: i + 1, polarity };
  }
  return null;
}

/** Strength (VADER scale) given to each side of a comparison. */
export const COMPARATIVE_STRENGTH = 2.0;
