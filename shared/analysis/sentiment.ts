/**
 * Rule/lexicon sentiment scorer, VADER-style: token valences (general-lexicon.ts) with phrases and idioms, negation
 * (also of neutral actions: "do not buy", "doesn't work", and advice that turns into a warning: "I recommend that you
 * do not buy"), boosters, VADER's caps emphasis, emoticons, ratings ("2/10"), CJK words, contrast weighting ("good but
 * pricey" leans negative), comparatives ("X is cheaper than Y", "X lags behind Y", "not as good as") and sarcasm cues.
 * It scores SPANS; target-sentiment.ts decides which span belongs to which entity.
 * Length (~480 lines): the span scorer, clause splitter and comparative finder share one token model and hot loop.
 */

import { isJsSpace } from './chars.ts';
import { foldText } from './fold.ts';
import { emoticonValence, LEXICON, ALL_PHRASES as PHRASES } from './general-lexicon.ts';
import { ADVICE_VERBS, BOOSTERS, CJK_WORDS, NEGATORS, SARCASM_CUES } from './lexicon-cues.ts';
import { NEGATED_ONLY } from './lexicon-phrases.ts';
import { type Token, tokenize } from './tokenize.ts';

export { type Token, tokenize };

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

/** First words of the multi-word phrases. */
interface PhraseNode {
  /** Valence of the two-word phrase ending here, if any. */
  two?: number;
  /** Third word -> valence of the three-word phrase. */
  three?: Map<string, number>;
}

/**
 * Phrases as a two-level tree (first word -> second word -> node), so the scanner looks phrases up without building
 * key strings: common openers ("is", "a", "in") would otherwise allocate two strings per occurrence.
 */
function buildPhraseTree(): ReadonlyMap<string, Map<string, PhraseNode>> {
  const tree = new Map<string, Map<string, PhraseNode>>();
  for (const [key, v] of PHRASES) {
    const words = key.split(' ');
    if (words.length < 2 || words.length > 3) continue;
    let level = tree.get(words[0]!);
    if (!level) {
      level = new Map();
      tree.set(words[0]!, level);
    }
    let node = level.get(words[1]!);
    if (!node) {
      node = {};
      level.set(words[1]!, node);
    }
    if (words.length === 2) node.two = v;
    else {
      node.three ??= new Map();
      node.three.set(words[2]!, v);
    }
  }
  return tree;
}

/** Built on first use, like the lexicon it reads (general-lexicon.ts loads lazily). */
let phraseTree: ReadonlyMap<string, Map<string, PhraseNode>> | null = null;
function phrases(): ReadonlyMap<string, Map<string, PhraseNode>> {
  if (phraseTree === null) phraseTree = buildPhraseTree();
  return phraseTree;
}

/**
 * True when a negator stands within 3 tokens before tokens[i], not across punctuation, nor across a tracked name
 * ("without Zendesk's nickel-and-diming": the flaw is Zendesk's, the "without" speaks for the other side). "used to"
 * counts as a negation ("used to be good").
 */
function negatedAt(tokens: readonly Token[], a: number, i: number, skip?: (i: number) => boolean): boolean {
  let reach = i - 3;
  let enough = false;
  for (let j = i - 1; j >= a && j >= reach; j--) {
    if (tokens[j + 1]!.breakBefore) return false;
    if (skip?.(j) && tokens[j]!.t.endsWith("'s")) return false;
    const t = tokens[j]!.t;
    // Determiners do not count towards the window ("never had a single issue").
    if (DETERMINERS.has(t)) reach--;
    if (t === 'enough') enough = true;
    // "can't say enough good things": praise, not a negation.
    if (NEGATORS.has(t) || t.endsWith("n't")) return !enough;
    if (t === 'used' && tokens[j + 1]!.t === 'to') return true;
  }
  return false;
}

const DETERMINERS = new Set(['a', 'an', 'the', 'any', 'single', 'one', 'this', 'that']);

/** Subjects/auxiliaries that make "like" the verb ("I like", "really like", "don't like"), not the preposition. */
const LIKE_VERB_BEFORE = new Set([
  'i',
  'we',
  'you',
  'they',
  'people',
  'users',
  'really',
  'do',
  'did',
  'still',
  'also',
  'actually',
  'genuinely',
  'would',
  "i'd",
  "we'd",
  'definitely',
  'totally',
  'kinda',
  'just',
  'dont',
  "don't",
  "didn't",
  'didnt',
  "doesn't",
  'doesnt',
  'not',
  'to',
]);

function enoughAfter(tokens: readonly Token[], i: number, b: number): boolean {
  for (let j = i + 1; j < b && j <= i + 5; j++) {
    if (tokens[j]!.breakBefore) return false;
    if (tokens[j]!.t === 'enough') return true;
  }
  return false;
}

/** CJK words folded like tokens (folding decomposes Hangul syllables and kana with voicing marks). */
const CJK_FOLDED: readonly [string, number][] = [...CJK_WORDS].map(([w, x]) => [foldText(w), x]);

/** Sum of the CJK evaluative words inside a run-together token, or undefined. */
function cjkValence(t: string): number | undefined {
  let v: number | undefined;
  for (const [w, x] of CJK_FOLDED) if (t.includes(w)) v = (v ?? 0) + x;
  return v;
}

/** "2/10", "9/10", "4/5": a rating out of ten (centred on 5.5) or out of five (centred on 3). */
function ratingValence(t: string): number | undefined {
  if (t.length < 3 || t.length > 5) return undefined;
  if (t.endsWith('/10')) {
    const n = Number(t.slice(0, -3));
    return Number.isInteger(n) && n >= 0 && n <= 10 ? (n - 5.5) * 0.6 : undefined;
  }
  if (t.endsWith('/5')) {
    const n = Number(t.slice(0, -2));
    return Number.isInteger(n) && n >= 0 && n <= 5 ? (n - 3) * 1.0 : undefined;
  }
  return undefined;
}

/** True when a token in [a, i) is not skipped (not part of a name). */
function wordBefore(a: number, i: number, skip: (i: number) => boolean): boolean {
  for (let j = a; j < i; j++) if (!skip(j)) return true;
  return false;
}

const ELLIPTICAL_NEGATION = new Set([
  "doesn't",
  "didn't",
  "won't",
  "isn't",
  "wasn't",
  "don't",
  'doesnt',
  'didnt',
  'wont',
  'isnt',
  'wasnt',
]);

/** Where the emoticons of a span are looked for (the sentence the tokens come from). */
export interface EmoticonScope {
  text: string;
  start: number;
  end: number;
}

/** A negated valence flips and shrinks (VADER uses -0.74; -0.6 measured no worse on the dev set). */
const NEGATION_SCALAR = -0.6;

/** VADER's all-caps emphasis, added in the direction of the word's valence when only some words are in caps. */
const CAPS_INCREMENT = 0.733;

/**
 * Scores tokens[a,b). Tokens for which `skip(i)` is true (e.g. inside a brand name like "Best Buy") are ignored.
 * `sarcastic` turns positive valences negative. With `emo`, stand-alone emoticons between the span's tokens count.
 */
export function scoreTokens(
  tokens: readonly Token[],
  a: number,
  b: number,
  skip: (i: number) => boolean,
  sarcastic: boolean,
  emo?: EmoticonScope,
): SpanScore {
  let sum = 0;
  let hits = 0;
  let prevValence = 0;
  // VADER's cap differential: caps emphasise only when the span is not shouted as a whole.
  let anyCaps = false;
  let anyLower = false;
  for (let i = a; i < b; i++) {
    if (tokens[i]!.caps) anyCaps = true;
    else anyLower = true;
  }
  const capDiff = anyCaps && anyLower;
  /** Last advice verb ("recommend") that added praise, so a negated action after it can take that praise back. */
  let adviceAt = -100;
  let adviceValence = 0;
  for (let i = a; i < b; i++) {
    if (skip(i)) continue;
    const tok = tokens[i]!;
    if (tok.breakBefore) prevValence = 0;
    let v: number | undefined;
    let used = 1;
    // Phrases (3- then 2-grams) first, through the phrase tree (no key strings built).
    const level = i + 1 < b ? phrases().get(tok.t) : undefined;
    if (level !== undefined) {
      const node = level.get(tokens[i + 1]!.t);
      if (node !== undefined) {
        if (node.three !== undefined && i + 2 < b) {
          v = node.three.get(tokens[i + 2]!.t);
          if (v !== undefined) used = 3;
        }
        if (v === undefined && node.two !== undefined) {
          v = node.two;
          used = 2;
        }
      }
    }
    let negatedOnly = false;
    if (v === undefined) {
      // A booster directly before a rated word modifies it and is not rated itself ("pretty good", "super fast").
      if (BOOSTERS.has(tok.t) && i + 1 < b && !tokens[i + 1]!.breakBefore && LEXICON.has(tokens[i + 1]!.t)) continue;
      v = LEXICON.get(tok.t);
      if (tok.t === 'like' && !(i > a && LIKE_VERB_BEFORE.has(tokens[i - 1]!.t))) v = undefined;
      // A CJK run, also when a Latin name runs into it ("northwind的客服很棒").
      if (v === undefined && (tok.t.charCodeAt(0) >= 0x1100 || tok.t.charCodeAt(tok.t.length - 1) >= 0x1100))
        v = cjkValence(tok.t);
      if (v === undefined) v = ratingValence(tok.t);
      // An elliptical negation closing the span ("Wonka looks flashy and doesn't.") denies what came before.
      // Not after a name alone ("Northwind doesn't."): that answers another sentence (contrast-echo.ts).
      if (v === undefined && i === b - 1 && i > a && ELLIPTICAL_NEGATION.has(tok.t) && wordBefore(a, i, skip)) v = -1.2;
      if (v === undefined) {
        const nv = NEGATED_ONLY.get(tok.t);
        if (nv !== undefined && negatedAt(tokens, a, i, skip)) {
          v = nv;
          negatedOnly = true;
        }
      }
    }
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
      } else if (t === 'less' || t === 'fewer' || t === 'moins' || t === 'menos' || t === 'weniger') {
        v = -v * 0.8;
        break;
      }
      k--;
    }
    // Negation within 3 tokens before, not across punctuation.
    if (!phraseHandlesNegation && !negatedOnly && negatedAt(tokens, a, i, skip)) {
      // "can't recommend Northwind enough" is the strongest praise, not a negation.
      v = ADVICE_VERBS.has(tok.t) && enoughAfter(tokens, i, b) ? Math.abs(v) * 1.4 : v * NEGATION_SCALAR;
    }
    if (tok.caps && capDiff) v += v > 0 ? CAPS_INCREMENT : -CAPS_INCREMENT;
    if (sarcastic && v > 0) v = -v * 0.8;
    // "I recommend that you do not buy this": the advice is to stay away, so the praise of "recommend" goes.
    if (v < 0 && i - adviceAt <= 7 && adviceValence > 0) {
      let sameClause = true;
      for (let q = adviceAt + 1; q <= i; q++) if (tokens[q]!.breakBefore) sameClause = false;
      if (sameClause) {
        sum -= adviceValence;
        v -= adviceValence * 0.5;
        adviceValence = 0;
      }
    }
    if (ADVICE_VERBS.has(tok.t) && v > 0 && used === 1) {
      adviceAt = i;
      adviceValence = v;
    }
    sum += v;
    hits++;
    prevValence = v;
    i += used - 1;
  }
  if (emo && b > a) {
    const from = a === 0 ? emo.start : tokens[a - 1]!.end;
    const to = b >= tokens.length ? emo.end : tokens[b]!.start;
    if (to > from) {
      const e = emoticonValence(emo.text, from, to);
      if (e.hits > 0) {
        sum += sarcastic && e.sum > 0 ? -e.sum * 0.8 : e.sum;
        hits += e.hits;
      }
    }
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

const GAP_SPLIT = 1;
const GAP_COLON = 2;
const GAP_COMMA = 4;

/**
 * Punctuation between two tokens, as flags: GAP_SPLIT for `/[;|]|\s[-—–]\s|—/`, GAP_COLON for `:`, GAP_COMMA for `,`
 * (scans text[from,to) in place instead of slicing it and running regexes).
 */
function gapFlags(text: string, from: number, to: number): number {
  let f = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 59 || c === 124 || c === 0x2014) f |= GAP_SPLIT;
    else if (c === 58) f |= GAP_COLON;
    else if (c === 44) f |= GAP_COMMA;
    else if ((c === 45 || c === 0x2013) && k > from && k + 1 < to) {
      if (isJsSpace(text.charCodeAt(k - 1)) && isJsSpace(text.charCodeAt(k + 1))) f |= GAP_SPLIT;
    }
  }
  return f;
}

/** Splits a sentence's tokens into clauses with contrast weights. */
export function splitClauses(tokens: readonly Token[], text: string): Clause[] {
  const clauses: Clause[] = [];
  const n = tokens.length;
  if (n === 0) return clauses;
  const cuts: { at: number; contrast: boolean; concession?: boolean }[] = [];
  for (let i = 1; i < n; i++) {
    const t = tokens[i]!.t;
    if (CONTRAST_MID.has(t)) cuts.push({ at: i, contrast: true });
    else if (CONCESSION_MID.has(t) || (t === 'even' && tokens[i + 1]?.t === 'though'))
      cuts.push({ at: i, contrast: false, concession: true });
    else if (CLAUSE_SPLIT.has(t)) cuts.push({ at: i, contrast: false });
    else {
      const gap = gapFlags(text, tokens[i - 1]!.end, tokens[i]!.start);
      if ((gap & GAP_SPLIT) !== 0) cuts.push({ at: i, contrast: false });
      else if ((gap & GAP_COLON) !== 0) {
        if (/^(?:pros?|cons?|downsides?|drawbacks?|upsides?|verdict|bottom|but)$/.test(t)) {
          cuts.push({ at: i, contrast: false });
        } else if (/^(?:pros?|cons?|downsides?|drawbacks?)$/.test(tokens[i - 1]!.t)) {
          cuts.push({ at: i - 1, contrast: false });
        }
      }
    }
  }
  // A sentence starting with "Although ..., X" puts the weight on the part after the first comma.
  const leadContrast = CONTRAST_LEAD.has(tokens[0]!.t);
  if (leadContrast) {
    for (let i = 1; i < n; i++) {
      if (tokens[i]!.breakBefore && (gapFlags(text, tokens[i - 1]!.end, tokens[i]!.start) & GAP_COMMA) !== 0) {
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
    const colonAfterFirst =
      (gapFlags(text, tokens[cur.a]!.end, Math.min(text.length, next ? next.start : tokens[cur.a]!.end + 1)) &
        GAP_COLON) !==
      0;
    let prior = 0;
    if (colonAfterFirst && /^(?:pros?|upsides?|strengths?)$/.test(first)) prior = 1.2;
    if (colonAfterFirst && /^(?:cons?|downsides?|drawbacks?|weaknesses?|skip|avoid)$/.test(first)) prior = -1.2;
    clauses.push({ a: cur.a, b: cur.b, weight, prior });
  }
  return clauses;
}

/** True when the folded text of the span carries a sarcasm cue. */
export function isSarcastic(text: string, start: number, end: number): boolean {
  const slice = text.slice(start, end);
  // Pre-filter: the cues without their \b/^/$ anchors, case-insensitive on the original text. Whatever matches after
  // lower-casing matches this too (lower-casing yields these ASCII letters only from ASCII letters or the Kelvin sign,
  // which /iu also folds), so a miss here is a miss there, without the lower-cased copy.
  if (!SARCASM_PREFILTER.test(slice)) return false;
  const s = slice.toLowerCase().replace(/’/g, "'");
  return SARCASM_RE.test(s);
}

const SARCASM_PREFILTER = new RegExp(
  SARCASM_CUES.map((re) => `(?:${re.source.replace(/\\b|\(\?:\^\|\\s\)|\(\?:\\s\|\$\)/g, '')})`).join('|'),
  'iu',
);

const SARCASM_RE = new RegExp(SARCASM_CUES.map((re) => `(?:${re.source})`).join('|'), 'u');
