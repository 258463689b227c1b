/**
 * Which per-brand verdicts of the offline engine are low-confidence, so that an opted-in LLM judge is asked about
 * those and nothing else (the judge costs money per call; confident verdicts stay offline).
 */

import type { Analysis } from './types.ts';

/** Scores closer to 0 than this, with evidence behind them, are not a confident verdict. */
export const WEAK_SCORE = 0.15;

/**
 * Ids of the mentioned entities whose sentiment the rules leave ambiguous: labelled `mixed`; a weak score despite
 * opinion-bearing evidence; or named in a sentence where another entity got the opposite sign (where attribution
 * rules most often go wrong). Entities with a clear verdict, or no opinion at all, are not listed.
 */
export function lowConfidenceEntityIds(analysis: Analysis): string[] {
  const ids = new Set<string>();
  for (const e of analysis.entities) {
    if (!e.mentioned) continue;
    if (e.sentiment.label === 'mixed') ids.add(e.entityId);
    else if (e.sentiment.evidence > 0 && e.sentiment.score !== 0 && Math.abs(e.sentiment.score) < WEAK_SCORE)
      ids.add(e.entityId);
  }
  const bySentence = new Map<number, { id: string; s: number }[]>();
  for (const m of analysis.mentions) {
    if (m.via !== 'text') continue;
    const arr = bySentence.get(m.sentenceIndex) ?? [];
    arr.push({ id: m.entityId, s: m.sentiment });
    bySentence.set(m.sentenceIndex, arr);
  }
  for (const list of bySentence.values()) {
    if (list.some((x) => x.s > 0.05) && list.some((x) => x.s < -0.05)) for (const x of list) ids.add(x.id);
  }
  return [...ids];
}

/** True when at least one per-brand verdict is low-confidence ({@link lowConfidenceEntityIds}). */
export function needsJudge(analysis: Analysis): boolean {
  return lowConfidenceEntityIds(analysis).length > 0;
}
