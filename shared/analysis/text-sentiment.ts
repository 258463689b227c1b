/**
 * Whole-text sentiment (no entities): the same scanner, lexicon and clause rules as target sentiment, summed over
 * the text's sentences, with VADER's punctuation emphasis, normalised to [-1, 1]. Used for texts that name no tracked
 * entity, and by the evaluation against human-rated public corpora (bench/sentiment-eval.ts).
 */

import { emoticonValence } from './general-lexicon.ts';
import { isSarcastic, normalizeScore, scoreTokens, splitClauses, tokenize } from './sentiment.ts';

const NO_SKIP = (): boolean => false;

/** VADER's emphasis: each "!" (up to 4) adds 0.292; "?" adds 0.18 each (up to 3) or 0.96 beyond. */
export function punctuationEmphasis(text: string, from: number, to: number): number {
  let bangs = 0;
  let questions = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 33) bangs++;
    else if (c === 63) questions++;
  }
  let e = Math.min(bangs, 4) * 0.292;
  if (questions > 1) e += questions <= 3 ? questions * 0.18 : 0.96;
  return e;
}

/** Sentence ends: . ! ? (runs) followed by whitespace, or a line break. */
function sentenceSpans(text: string, limit: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (i > start) out.push([start, i]);
      start = i + 1;
    } else if (c === 46 || c === 33 || c === 63) {
      let j = i + 1;
      while (j < limit && (text.charCodeAt(j) === 46 || text.charCodeAt(j) === 33 || text.charCodeAt(j) === 63)) j++;
      if (j >= limit || text.charCodeAt(j) === 32 || text.charCodeAt(j) === 10) {
        out.push([start, j]);
        start = j;
      }
      i = j - 1;
    }
  }
  if (start < limit) out.push([start, limit]);
  return out;
}

export interface TextSentiment {
  /** Normalised score in [-1, 1] (VADER's compound scale). */
  score: number;
  /** Raw valence sum before normalisation. */
  sum: number;
  /** Sentiment-bearing hits. */
  hits: number;
}

/** Scores a whole text. Never throws; non-strings score 0. */
export function scoreText(text: string, maxChars = 100_000): TextSentiment {
  if (typeof text !== 'string' || text.length === 0) return { score: 0, sum: 0, hits: 0 };
  const limit = Math.min(text.length, maxChars);
  let sum = 0;
  let hits = 0;
  for (const [s, e] of sentenceSpans(text, limit)) {
    const tokens = tokenize(text, s, e);
    const sarcastic = isSarcastic(text, s, e);
    const emo = { text, start: s, end: e };
    if (tokens.length === 0) {
      const only = emoticonValence(text, s, e);
      sum += only.sum;
      hits += only.hits;
      continue;
    }
    for (const cl of splitClauses(tokens, text)) {
      const sc = scoreTokens(tokens, cl.a, cl.b, NO_SKIP, sarcastic, emo);
      sum += cl.weight * (sc.sum + cl.prior);
      hits += sc.hits + (cl.prior !== 0 ? 1 : 0);
    }
  }
  if (sum !== 0) {
    const emphasis = punctuationEmphasis(text, 0, limit);
    sum += sum > 0 ? emphasis : -emphasis;
  }
  return { score: normalizeScore(sum), sum, hits };
}
