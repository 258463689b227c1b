/**
 * Sentiment of a whole social post or article (not toward an entity): the entity-sentiment lexicon, sarcasm cues and
 * thresholds of the analysis engine (shared/analysis), applied per sentence and summed as the engine sums an
 * entity's scopes. Why a separate function: the engine scores text only around entity mentions, but Signals also
 * shows the mood of posts that mention no tracked entity by name (e.g. a reply in a brand's own thread).
 */
import { isSarcastic, normalizeScore, scoreTokens, tokenize } from '../analysis/sentiment.ts';

export type SentimentLabel = 'positive' | 'negative' | 'neutral' | 'mixed';

/** Sentence ends: . ! ? … and line breaks (posts use line breaks as sentence ends more than prose does). */
const SENTENCE_END = /[.!?…。！？\n]+/gu;

export function textSentiment(text: string): { score: number; label: SentimentLabel } {
  const sums: number[] = [];
  let start = 0;
  const scoreSpan = (a: number, b: number) => {
    if (b <= a) return;
    const tokens = tokenize(text, a, b);
    if (tokens.length === 0) return;
    const span = scoreTokens(tokens, 0, tokens.length, () => false, isSarcastic(text, a, b));
    if (span.hits > 0) sums.push(span.sum);
  };
  for (const match of text.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length;
    scoreSpan(start, end);
    start = end;
  }
  scoreSpan(start, text.length);
  if (sums.length === 0) return { score: 0, label: 'neutral' };
  const score = Math.round(normalizeScore(sums.reduce((a, b) => a + b, 0)) * 1000) / 1000;
  const positive = sums.some((s) => normalizeScore(s) >= 0.3);
  const negative = sums.some((s) => normalizeScore(s) <= -0.3);
  let label: SentimentLabel = score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
  if (positive && negative && Math.abs(score) < 0.1) label = 'mixed';
  return { score, label };
}
