/**
 * Comparative constructions ({@link findComparative}): "X is slower than Y", "X beats Y", "X lags behind Y", "more/less
 * + adjective ... than" (also más/plus/più ... que/di), "as good as"; and the comparisons the comparative word list
 * cannot hold: idioms whose meaning is a comparison ("X can't hold a candle to
 * Y", "X pales next to Y", "X runs circles around Y", "X is no match for Y") and regular comparative adjectives
 * derived from any rated word ("quieter", "sturdier", "friendlier", "flakier" than Y), whose direction is the sign of
 * the base word in the lexicon (comparativeForm, consulted after the word list).
 */

import { LEXICON } from './general-lexicon.ts';
import { COMPARATIVES, NEGATORS } from './lexicon-cues.ts';
import type { Token } from './tokenize.ts';

/** Candidate base forms of a comparative adjective: quieter → quiet, nicer → nice, easier → easy, bigger → big. */
function bases(t: string): string[] {
  if (t.length < 5 || !t.endsWith('er')) return [];
  const out = [t.slice(0, -2), t.slice(0, -1)];
  if (t.endsWith('ier')) out.push(`${t.slice(0, -3)}y`);
  if (t.length > 6 && t[t.length - 3] === t[t.length - 4]) out.push(t.slice(0, -3));
  return out;
}

const at = (tokens: readonly Token[], i: number, b: number) => (i < b ? tokens[i]!.t : '');

/**
 * A comparison starting at tokens[i] (the subject's side is before it, the other side after `pivot`), or null;
 * `idiom` when the form carries its own negation. `valence` looks a word up in the lexicon.
 */
export function comparativeForm(
  tokens: readonly Token[],
  i: number,
  b: number,
  valence: (word: string) => number | undefined,
): { hit: ComparativeHit; idiom: boolean } | null {
  const t = tokens[i]!.t;
  // "can't / cannot / couldn't hold a candle to Y": the subject loses (the negation is part of the idiom).
  if (t === 'candle' && at(tokens, i + 1, b) === 'to' && at(tokens, i - 2, b) === 'hold')
    return { hit: { at: i, pivot: i + 2, polarity: -1 }, idiom: true };
  // "pales (in comparison) to / next to / beside Y".
  if (t === 'pales' || t === 'paled' || t === 'pale') {
    for (let j = i + 1; j < b && j <= i + 4; j++) {
      const u = tokens[j]!.t;
      if (u === 'to' || u === 'with' || u === 'beside')
        return { hit: { at: i, pivot: j + 1, polarity: -1 }, idiom: true };
    }
    return null;
  }
  // "runs / ran circles around Y".
  if (t === 'circles' && /^(?:runs|ran|run|running)$/.test(at(tokens, i - 1, b)) && at(tokens, i + 1, b) === 'around')
    return { hit: { at: i, pivot: i + 2, polarity: 1 }, idiom: true };
  // "(is) no match for Y".
  if (t === 'match' && at(tokens, i - 1, b) === 'no' && at(tokens, i + 1, b) === 'for')
    return { hit: { at: i, pivot: i + 2, polarity: -1 }, idiom: true };
  // A derived comparative adjective followed (within a few words) by "than".
  for (const base of bases(t)) {
    const v = valence(base);
    if (v === undefined || v === 0) continue;
    for (let j = i + 1; j < b && j <= i + 5; j++) {
      if (tokens[j]!.t === 'than') return { hit: { at: i, pivot: j + 1, polarity: Math.sign(v) }, idiom: false };
    }
    return null;
  }
  return null;
}

export interface ComparativeHit {
  /** Index of the comparative token. */
  at: number;
  /** Index where the "other side" begins (token after than/over/to/vs), or the verb itself for beats/outperforms. */
  pivot: number;
  polarity: number;
}

const PIVOTS = new Set(['than', 'over', 'vs', 'versus', 'que', 'als', 'di', 'dan']);
/** Words of "more" (+1) and "less" (-1) in the Romance languages, as folded tokens. */
const ROMANCE_MORE_LESS: ReadonlyMap<string, number> = new Map([
  ['mas', 1],
  ['más', 1],
  ['mais', 1],
  ['plus', 1],
  ['piu', 1],
  ['più', 1],
  ['menos', -1],
  ['moins', -1],
  ['meno', -1],
]);
/** Comparative verbs and adverbs whose other side follows them directly ("beats Y", "behind Y", "ahead of Y"). */
const COMPARATIVE_VERB =
  /^(?:beats|beat|beating|outperforms|outperformed|outperform|outshines|outclasses|outclassed|surpasses|surpassed|crushes|trumps|trails|trailing|trailed|lags|lagging|lagged|ahead|behind|prefer|preferred|>>+)$/;

function negatedBefore(tokens: readonly Token[], a: number, i: number): boolean {
  for (let j = i - 1; j >= a && j >= i - 3; j--) {
    const u = tokens[j]!.t;
    if (NEGATORS.has(u) || u.endsWith("n't")) return true;
  }
  return false;
}

/**
 * Finds a comparative construction in tokens[a,b): "X is slower than Y", "X beats Y", "X lags behind Y", "X is years
 * ahead of Y", "more/less + adjective ... than", and "X is (not / nowhere near / twice) as ADJ as Y".
 */
export function findComparative(
  tokens: readonly Token[],
  a: number,
  b: number,
  skip: (i: number) => boolean,
): ComparativeHit | null {
  for (let i = a; i < b; i++) {
    if (skip(i)) continue;
    const t = tokens[i]!.t;
    // "as good as Y": the adjective's sign, turned by a negation before the first "as".
    if (t === 'as' && i + 2 < b) {
      const adj = tokens[i + 1]!;
      const v = LEXICON.get(adj.t);
      const close = tokens[i + 2]!.t === 'as' ? i + 2 : i + 3 < b && tokens[i + 3]!.t === 'as' ? i + 3 : -1;
      if (v !== undefined && v !== 0 && close > 0) {
        const polarity = negatedBefore(tokens, a, i) ? -Math.sign(v) : Math.sign(v);
        return { at: i + 1, pivot: close + 1, polarity };
      }
    }
    if (!COMPARATIVES.has(t)) {
      const form = comparativeForm(tokens, i, b, (w) => LEXICON.get(w));
      // Idioms carry their own negation ("can't hold a candle to"); a derived adjective is turned by one.
      if (form?.idiom) return form.hit;
      if (form) return negatedBefore(tokens, a, i) ? { ...form.hit, polarity: -form.hit.polarity * 0.6 } : form.hit;
    }
    let polarity = t.startsWith('>>') ? 1 : COMPARATIVES.get(t);
    if (polarity === undefined && (t === 'more' || t === 'less') && i + 1 < b) {
      const v = LEXICON.get(tokens[i + 1]!.t);
      if (v !== undefined) polarity = (t === 'more' ? 1 : -1) * Math.sign(v);
    }
    // "más rápido que", "plus fiable que", "più lento di", "mais barato que": more/less + a rated word + a pivot.
    const romance = ROMANCE_MORE_LESS.get(t);
    if (polarity === undefined && romance !== undefined && i + 2 < b) {
      const v = LEXICON.get(tokens[i + 1]!.t);
      if (v !== undefined && v !== 0) {
        for (let j = i + 2; j < b && j <= i + 5; j++) {
          if (PIVOTS.has(tokens[j]!.t)) {
            const p = negatedBefore(tokens, a, i) ? -0.6 : 1;
            return { at: i, pivot: j + 1, polarity: p * romance * Math.sign(v) };
          }
        }
      }
    }
    if (polarity === undefined) continue;
    if (negatedBefore(tokens, a, i)) polarity = -polarity * 0.6;
    const isVerb = COMPARATIVE_VERB.test(t);
    if (t === 'ahead') {
      // "ahead of Y" (not "go ahead").
      if (i + 1 < b && tokens[i + 1]!.t === 'of') return { at: i, pivot: i + 2, polarity };
      continue;
    }
    if (isVerb && t !== 'prefer' && t !== 'preferred') {
      // "beats Y", "lags (far) behind Y": the other side follows directly.
      let p = i + 1;
      while (p < b && p <= i + 3 && /^(?:behind|far|way|well|miles|years|to|over)$/.test(tokens[p]!.t)) p++;
      return { at: i, pivot: p, polarity };
    }
    for (let j = i + 1; j < b && j <= i + 8; j++) {
      const u = tokens[j]!.t;
      if (PIVOTS.has(u) || (isVerb && (u === 'to' || u === 'over'))) return { at: i, pivot: j + 1, polarity };
      if (u === 'compared' || u === 'relative') return { at: i, pivot: j + 1, polarity };
    }
  }
  return null;
}

/** Strength (VADER scale) given to each side of a comparison. */
export const COMPARATIVE_STRENGTH = 2.0;
