/**
 * Splits an answer into plain and highlighted segments from the drill-down's mention offsets (UTF-16 indices into
 * the text). Pure and defensive: offsets outside the text, empty or overlapping spans are skipped rather than
 * trusted, so a bad offset can never duplicate or drop text.
 */
import type { DrilldownMention } from '../../../../shared/contracts/drilldown.ts';

export interface TextSegment {
  text: string;
  start: number;
  mention: DrilldownMention | null;
}

export function highlightSegments(text: string, mentions: readonly DrilldownMention[]): TextSegment[] {
  const sorted = [...mentions].sort((a, b) => a.start - b.start || b.end - a.end);
  const segments: TextSegment[] = [];
  let at = 0;
  for (const mention of sorted) {
    if (mention.start < at || mention.end <= mention.start || mention.end > text.length) continue;
    if (mention.start > at) segments.push({ text: text.slice(at, mention.start), start: at, mention: null });
    segments.push({ text: text.slice(mention.start, mention.end), start: mention.start, mention });
    at = mention.end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), start: at, mention: null });
  return segments;
}

/** Words for a per-mention sentiment score in [-1, 1] (the analysis engine's thresholds for entity labels). */
export function sentimentWord(score: number | null): 'positive' | 'negative' | 'neutral' | 'not mentioned' {
  if (score === null) return 'not mentioned';
  if (score >= 0.05) return 'positive';
  if (score <= -0.05) return 'negative';
  return 'neutral';
}
