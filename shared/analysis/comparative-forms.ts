/**
 * Comparisons the comparative word list cannot hold: idioms whose meaning is a comparison ("X can't hold a candle to
 * Y", "X pales next to Y", "X runs circles around Y", "X is no match for Y") and regular comparative adjectives
 * derived from any rated word ("quieter", "sturdier", "friendlier", "flakier" than Y), whose direction is the sign of
 * the base word in the lexicon. findComparative (sentiment.ts) consults this after its own list.
 */

import type { ComparativeHit } from './sentiment.ts';
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
