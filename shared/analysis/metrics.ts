/**
 * Metrics (docs/analysis.md, "Metric definitions") over a set of analyses, each with its sample size and (for proportions) a 95% Wilson
 * interval, plus a period comparison that says whether a change is outside the noise. Definitions are documented in
 * docs/analysis.md and mirrored in {@link METRIC_DEFINITIONS} for the UI's help.
 */

import {
  type Change,
  compareMeans,
  compareProportions,
  type MeanEstimate,
  meanEstimate,
  type Proportion,
  proportion,
} from './stats.ts';
import type { Analysis } from './types.ts';

/** One analysed answer in scope, with what the metrics need to know about its prompt. */
export interface AnalyzedAnswer {
  analysis: Analysis;
  /**
   * Whether the prompt named the brand ("Is Acme good?"). Share of voice defaults to non-branded prompts only;
   * answers with `branded` unknown (undefined) count as non-branded.
   */
  branded?: boolean;
}

export interface MetricOptions {
  /** The brand whose metrics are computed. */
  brandId: string;
  /** Tracked competitors; defaults to every other entity present in the analyses. */
  competitorIds?: string[];
  /** @default 'non-branded' */
  shareOfVoiceScope?: 'non-branded' | 'all';
}

/** Visibility score (0-100) with its parts, so the UI can explain it. */
export interface VisibilityScore {
  value: number;
  /** Raw composite in [0, 1] before damping. */
  raw: number;
  /** m / (m + 10), m = number of answers. */
  damping: number;
  components: {
    mentionRate: number;
    shareOfVoice: number;
    position: number;
    sentiment: number;
    citationConsistency: number;
  };
}

export interface EntityMetrics {
  entityId: string;
  /** Answers mentioning the entity / all answers. */
  mentionRate: Proportion;
  /** Entity mentions / mentions of all tracked entities (scope per options); null when nothing tracked appears. */
  shareOfVoice: Proportion | null;
  /** Mean 1-based rank of the first mention among tracked entities, over answers mentioning the entity. */
  averagePosition: MeanEstimate;
  /** Mean per-mention sentiment in [-1, 1] over answers that mention the entity (docs/analysis.md definition). */
  sentiment: MeanEstimate;
  /** Mean of the per-answer target sentiment (includes pros/cons and list-item evidence without the name). */
  answerSentiment: MeanEstimate;
  /** Citations to the entity's owned domains / all citations. */
  citationShare: Proportion;
  /** Answers citing an owned domain / all answers. */
  citationConsistency: Proportion;
  /** Position-adjusted word count share in [0, 1] (GEO, Aggarwal et al. 2023); null when no entity is mentioned. */
  positionAdjustedWordCount: number | null;
  visibilityScore: VisibilityScore;
}

export interface MetricsReport {
  /** |A|, the number of analysed answers in scope. */
  n: number;
  /** Number of answers in the share-of-voice scope. */
  shareOfVoiceN: number;
  brand: EntityMetrics;
  competitors: EntityMetrics[];
}

/** Weights of the visibility score; documented in docs/analysis.md. */
export const VISIBILITY_WEIGHTS = {
  mentionRate: 0.4,
  shareOfVoice: 0.2,
  position: 0.15,
  sentiment: 0.15,
  citationConsistency: 0.1,
} as const;

/** Small-sample damping constant: score x m/(m + DAMPING_M). */
export const DAMPING_M = 10;

/**
 * The visibility score from an entity's point estimates over `n` answers: the one formula both the live metrics
 * (computeMetrics over answers) and the rollup reader (shared/events/rollup-metrics.ts) use, so live figures and
 * stored ones cannot drift apart. Missing estimates count as 0.
 */
export function visibilityScoreOf(
  estimates: {
    mentionRate: number | null;
    shareOfVoice: number | null;
    averagePosition: number | null;
    sentiment: number | null;
    citationConsistency: number | null;
  },
  n: number,
): VisibilityScore {
  const mr = estimates.mentionRate ?? 0;
  const components = {
    mentionRate: mr,
    shareOfVoice: estimates.shareOfVoice ?? 0,
    position: estimates.averagePosition ? mr * (1 / estimates.averagePosition) : 0,
    sentiment: estimates.sentiment !== null ? mr * ((estimates.sentiment + 1) / 2) : 0,
    citationConsistency: estimates.citationConsistency ?? 0,
  };
  const raw =
    VISIBILITY_WEIGHTS.mentionRate * components.mentionRate +
    VISIBILITY_WEIGHTS.shareOfVoice * components.shareOfVoice +
    VISIBILITY_WEIGHTS.position * components.position +
    VISIBILITY_WEIGHTS.sentiment * components.sentiment +
    VISIBILITY_WEIGHTS.citationConsistency * components.citationConsistency;
  const damping = n / (n + DAMPING_M);
  return { value: Math.round(1000 * raw * damping) / 10, raw, damping, components };
}

/** Human-readable metric definitions for the UI's help. */
export const METRIC_DEFINITIONS: Record<string, string> = {
  mentionRate:
    'Answers mentioning the entity divided by all analysed answers in scope (same denominator for every entity).',
  shareOfVoice:
    'Mentions of the entity divided by mentions of all tracked entities (brand + competitors), over non-branded prompts by default; empty when no tracked entity appears.',
  averagePosition:
    "Mean rank of the entity's first mention among tracked entities, over answers that mention it (1 = first).",
  sentiment: 'Mean of per-mention sentiment in [-1, 1], over answers that mention the entity.',
  citationShare: "Citations to the entity's owned domains divided by all citations.",
  citationConsistency: 'Answers citing at least one owned domain divided by all analysed answers.',
  positionAdjustedWordCount:
    'For each sentence s naming the entity: words(s) / entities(s) x exp(-index(s) / (N - 1)), summed over answers and normalised over entities.',
  visibilityScore:
    '100 x (0.40 mention rate + 0.20 share of voice + 0.15 mention rate x 1/avg position + 0.15 mention rate x (sentiment + 1)/2 + 0.10 citation consistency) x m/(m + 10), m = answers.',
  uncertainty:
    'Every rate shows n and a 95% Wilson interval; a change is flagged only when its 95% interval excludes zero.',
};

/** Position-adjusted word count per entity for one analysis (un-normalised). */
export function positionAdjustedWords(analysis: Analysis): Map<string, number> {
  const out = new Map<string, number>();
  const N = analysis.sentenceCount;
  const bySentence = new Map<number, Set<string>>();
  for (const m of analysis.mentions) {
    if (m.via !== 'text') continue;
    let set = bySentence.get(m.sentenceIndex);
    if (!set) {
      set = new Set();
      bySentence.set(m.sentenceIndex, set);
    }
    set.add(m.entityId);
  }
  for (const [s, ents] of bySentence) {
    const words = analysis.sentenceWords[s] ?? 0;
    const decay = N > 1 ? Math.exp(-s / (N - 1)) : 1;
    const share = (words / ents.size) * decay;
    for (const e of ents) out.set(e, (out.get(e) ?? 0) + share);
  }
  return out;
}

function entityMetrics(
  entityId: string,
  answers: readonly AnalyzedAnswer[],
  sovAnswers: readonly AnalyzedAnswer[],
  trackedIds: ReadonlySet<string>,
  pawc: ReadonlyMap<string, number>,
  pawcTotal: number,
): EntityMetrics {
  const n = answers.length;
  let mentioning = 0;
  const ranks: number[] = [];
  const mentionSentiments: number[] = [];
  const answerSentiments: number[] = [];
  let ownedCitations = 0;
  let allCitations = 0;
  let citingAnswers = 0;
  for (const { analysis } of answers) {
    const r = analysis.entities.find((e) => e.entityId === entityId);
    allCitations += analysis.citations.length;
    const owned = analysis.citations.filter((c) => c.entityId === entityId).length;
    ownedCitations += owned;
    if (owned > 0) citingAnswers++;
    if (!r?.mentioned) continue;
    mentioning++;
    if (r.rank !== null) ranks.push(r.rank);
    answerSentiments.push(r.sentiment.score);
    for (const m of analysis.mentions)
      if (m.entityId === entityId && m.via === 'text') mentionSentiments.push(m.sentiment);
  }
  let own = 0;
  let all = 0;
  for (const { analysis } of sovAnswers) {
    for (const m of analysis.mentions) {
      if (!trackedIds.has(m.entityId)) continue;
      all++;
      if (m.entityId === entityId) own++;
    }
  }
  const mentionRate = proportion(mentioning, n);
  const shareOfVoice = all > 0 ? proportion(own, all) : null;
  const averagePosition = meanEstimate(ranks);
  const sentiment = meanEstimate(mentionSentiments);
  const citationConsistency = proportion(citingAnswers, n);
  return {
    entityId,
    mentionRate,
    shareOfVoice,
    averagePosition,
    sentiment,
    answerSentiment: meanEstimate(answerSentiments),
    citationShare: proportion(ownedCitations, allCitations),
    citationConsistency,
    positionAdjustedWordCount: pawcTotal > 0 ? (pawc.get(entityId) ?? 0) / pawcTotal : null,
    visibilityScore: visibilityScoreOf(
      {
        mentionRate: mentionRate.value,
        shareOfVoice: shareOfVoice?.value ?? null,
        averagePosition: averagePosition.value,
        sentiment: sentiment.value,
        citationConsistency: citationConsistency.value,
      },
      n,
    ),
  };
}

/** Computes the §5 metrics for the brand and each competitor over the given answers. */
export function computeMetrics(answers: readonly AnalyzedAnswer[], options: MetricOptions): MetricsReport {
  const competitorIds =
    options.competitorIds ??
    [...new Set(answers.flatMap((a) => a.analysis.entities.map((e) => e.entityId)))].filter(
      (id) => id !== options.brandId,
    );
  const tracked = new Set([options.brandId, ...competitorIds]);
  const sovAnswers =
    (options.shareOfVoiceScope ?? 'non-branded') === 'all' ? answers : answers.filter((a) => a.branded !== true);
  const pawc = new Map<string, number>();
  for (const { analysis } of answers) {
    for (const [id, v] of positionAdjustedWords(analysis)) if (tracked.has(id)) pawc.set(id, (pawc.get(id) ?? 0) + v);
  }
  let pawcTotal = 0;
  for (const v of pawc.values()) pawcTotal += v;
  return {
    n: answers.length,
    shareOfVoiceN: sovAnswers.length,
    brand: entityMetrics(options.brandId, answers, sovAnswers, tracked, pawc, pawcTotal),
    competitors: competitorIds.map((id) => entityMetrics(id, answers, sovAnswers, tracked, pawc, pawcTotal)),
  };
}

/** Period-over-period changes of one entity's metrics; `significant` means outside the 95% noise band. */
export interface MetricChanges {
  entityId: string;
  mentionRate: Change;
  shareOfVoice: Change;
  averagePosition: Change;
  sentiment: Change;
  citationShare: Change;
  citationConsistency: Change;
}

const UNKNOWN: Change = { delta: null, ci: null, significant: false, direction: 'unknown' };

/** Compares one entity's metrics between two periods. */
export function compareEntityMetrics(before: EntityMetrics, after: EntityMetrics): MetricChanges {
  return {
    entityId: after.entityId,
    mentionRate: compareProportions(before.mentionRate, after.mentionRate),
    shareOfVoice:
      before.shareOfVoice && after.shareOfVoice ? compareProportions(before.shareOfVoice, after.shareOfVoice) : UNKNOWN,
    averagePosition: compareMeans(before.averagePosition, after.averagePosition),
    sentiment: compareMeans(before.sentiment, after.sentiment),
    citationShare: compareProportions(before.citationShare, after.citationShare),
    citationConsistency: compareProportions(before.citationConsistency, after.citationConsistency),
  };
}

/** Compares two reports (e.g. last week vs this week) for the brand and every competitor present in both. */
export function compareReports(
  before: MetricsReport,
  after: MetricsReport,
): { brand: MetricChanges; competitors: MetricChanges[] } {
  const competitors: MetricChanges[] = [];
  for (const a of after.competitors) {
    const b = before.competitors.find((c) => c.entityId === a.entityId);
    if (b) competitors.push(compareEntityMetrics(b, a));
  }
  return { brand: compareEntityMetrics(before.brand, after.brand), competitors };
}
