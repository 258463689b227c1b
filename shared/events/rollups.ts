/**
 * Daily rollups of canonical events: the additive counters the aggregation consumer keeps per
 * (tenant, brand, day, prompt-set version, provider, surface, topic, branded) cell, with per-entity counters
 * inside each cell, and the pure reader that turns summed counters into the DESIGN §5 metrics (with n and 95%
 * Wilson intervals) without touching answers. Every counter is a sum, so cells of any scope/period just add up.
 */

import {
  DAMPING_M,
  type EntityMetrics,
  type MetricOptions,
  type MetricsReport,
  VISIBILITY_WEIGHTS,
} from '../analysis/metrics.ts';
import { type MeanEstimate, proportion, Z95 } from '../analysis/stats.ts';
import type { AnswerAnalyzedEvent, RunCompletedEvent } from './schemas.ts';

/** Counter name → value. Names: answer-level (`n`, `nNB`, `cit`, ...) and per entity `e#<entityId>#<counter>`. */
export type RollupCounters = Record<string, number>;

/** The dimensions of one fine rollup cell (all of them are filters of the Analytics API). */
export interface RollupDims {
  /** UTC date `YYYY-MM-DD` the answer was given. */
  day: string;
  promptSetVersion: number;
  provider: string;
  surface: string;
  /** Topic id, or `none`. */
  topic: string;
  branded: boolean;
}

/** What one event adds: to its fine cell and to the brand's day total. */
export interface RollupDelta {
  tenantId: string;
  brandId: string;
  /** Null for events that only touch the day total (runs). */
  cell: RollupDims | null;
  day: string;
  counters: RollupCounters;
}

export const entityCounter = (entityId: string, name: EntityCounterName) => `e#${entityId}#${name}`;
type EntityCounterName =
  | 'm' // answers mentioning the entity
  | 'mv' // all mentions (share-of-voice numerator, all prompts)
  | 'mvNB' // mentions in answers to non-branded prompts
  | 'rk' // sum of first-mention ranks
  | 'rk2' // sum of squared ranks
  | 'rkN' // answers with a rank
  | 's' // sum of per-mention sentiments
  | 's2'
  | 'sN'
  | 'as' // sum of entity-level (answer) sentiment
  | 'as2'
  | 'asN'
  | 'oc' // citations to owned domains
  | 'ca' // answers citing an owned domain
  | 'pw' // position-adjusted words
  | 'pr'; // primary recommendation

/**
 * Non-integer increments are rounded to 1e-9: DynamoDB keeps numbers as exact decimals of at most 38 digits, and
 * sums of full binary doubles would run out of digits; 1e-9 is far below anything a metric shows.
 */
const round9 = (x: number) => (Number.isInteger(x) ? x : Math.round(x * 1e9) / 1e9);

function add(counters: RollupCounters, name: string, value: number) {
  const v = round9(value);
  if (v !== 0) counters[name] = round9((counters[name] ?? 0) + v);
}

/** The counters one `answer.analyzed` event contributes. Zero counters are omitted (absent = 0). */
export function answerCounters(data: AnswerAnalyzedEvent['data']): RollupCounters {
  const c: RollupCounters = { n: 1 };
  const nonBranded = !data.prompt.branded;
  add(c, 'nNB', nonBranded ? 1 : 0);
  add(c, 'cit', data.citations.length);
  add(c, 'refusals', data.refusal ? 1 : 0);
  add(c, 'inTok', data.usage.inputTokens);
  add(c, 'outTok', data.usage.outputTokens);
  add(c, 'costUsd', data.costUsd ?? 0);
  for (const e of data.entities) {
    const k = (name: EntityCounterName) => entityCounter(e.entityId, name);
    add(c, k('mv'), e.mentions);
    if (nonBranded) add(c, k('mvNB'), e.mentions);
    add(c, k('oc'), e.ownedCitations);
    add(c, k('ca'), e.ownedCitations > 0 ? 1 : 0);
    add(c, k('pw'), e.positionAdjustedWords);
    add(c, k('pr'), e.primaryRecommendation ? 1 : 0);
    if (!e.mentioned) continue;
    add(c, k('m'), 1);
    if (e.rank !== null) {
      add(c, k('rkN'), 1);
      add(c, k('rk'), e.rank);
      add(c, k('rk2'), e.rank * e.rank);
    }
    if (e.sentiment !== null) {
      add(c, k('asN'), 1);
      add(c, k('as'), e.sentiment);
      add(c, k('as2'), e.sentiment * e.sentiment);
    }
    for (const s of e.mentionSentiments) {
      add(c, k('sN'), 1);
      add(c, k('s'), s);
      add(c, k('s2'), s * s);
    }
  }
  return c;
}

/** What an event adds to the rollups; null for events the rollups do not count. */
export function rollupDelta(event: AnswerAnalyzedEvent | RunCompletedEvent | { type: string }): RollupDelta | null {
  if (event.type === 'promptpulse.answer.analyzed') {
    const { data } = event as AnswerAnalyzedEvent;
    const day = data.answeredAt.slice(0, 10);
    return {
      tenantId: data.tenantId,
      brandId: data.brandId,
      day,
      cell: {
        day,
        promptSetVersion: data.prompt.setVersion,
        provider: data.provider,
        surface: data.surface,
        topic: data.prompt.topicId ?? 'none',
        branded: data.prompt.branded,
      },
      counters: answerCounters(data),
    };
  }
  if (event.type === 'promptpulse.run.completed') {
    const { data } = event as RunCompletedEvent;
    const counters: RollupCounters = { 'run#n': 1, [`run#status#${data.status}`]: 1 };
    add(counters, 'run#planned', data.counts.planned);
    add(counters, 'run#succeeded', data.counts.succeeded);
    add(counters, 'run#failed', data.counts.failed);
    add(counters, 'run#skipped', data.counts.skipped);
    add(counters, 'run#costUsd', data.usage.costUsd);
    const day = data.finishedAt.slice(0, 10);
    return { tenantId: data.tenantId, brandId: data.brandId, day, cell: null, counters };
  }
  return null;
}

/** Sums counters (cells of a period and filter, or deltas of events). */
export function sumCounters(all: Iterable<RollupCounters>): RollupCounters {
  const out: RollupCounters = {};
  // Rounded like the stored sums, so any order of additions gives the same numbers (DynamoDB adds exact decimals).
  for (const counters of all) for (const [k, v] of Object.entries(counters)) out[k] = round9((out[k] ?? 0) + v);
  return out;
}

/** Entity ids present in summed counters. */
export function entityIdsOf(counters: RollupCounters): string[] {
  const ids = new Set<string>();
  for (const k of Object.keys(counters)) {
    if (!k.startsWith('e#')) continue;
    const end = k.lastIndexOf('#');
    if (end > 2) ids.add(k.slice(2, end));
  }
  return [...ids];
}

/** Mean with its normal 95% interval from n, Σx and Σx² (same estimator as `meanEstimate`). */
export function meanFromSums(n: number, sum: number, sumSq: number): MeanEstimate {
  if (!(n > 0)) return { n: 0, value: null, sd: null, ci: null };
  const mean = sum / n;
  if (n < 2) return { n, value: mean, sd: null, ci: null };
  const variance = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
  const sd = Math.sqrt(variance);
  const half = (Z95 * sd) / Math.sqrt(n);
  return { n, value: mean, sd, ci: [mean - half, mean + half] };
}

/**
 * DESIGN §5 metrics for the brand and its competitors from summed rollup counters: the same definitions and
 * estimators as `computeMetrics` (shared/analysis/metrics.ts) over the same answers, without reading them.
 */
export function metricsFromRollups(counters: RollupCounters, options: MetricOptions): MetricsReport {
  const get = (name: string) => counters[name] ?? 0;
  const competitorIds = options.competitorIds ?? entityIdsOf(counters).filter((id) => id !== options.brandId);
  const tracked = [options.brandId, ...competitorIds];
  const scopeAll = (options.shareOfVoiceScope ?? 'non-branded') === 'all';
  const mvName = scopeAll ? 'mv' : 'mvNB';
  const n = get('n');
  const allMentions = tracked.reduce((s, id) => s + get(entityCounter(id, mvName)), 0);
  const pawcTotal = tracked.reduce((s, id) => s + get(entityCounter(id, 'pw')), 0);
  const entity = (entityId: string): EntityMetrics => {
    const e = (name: EntityCounterName) => get(entityCounter(entityId, name));
    const mentionRate = proportion(e('m'), n);
    const shareOfVoice = allMentions > 0 ? proportion(e(mvName), allMentions) : null;
    const averagePosition = meanFromSums(e('rkN'), e('rk'), e('rk2'));
    const sentiment = meanFromSums(e('sN'), e('s'), e('s2'));
    const citationConsistency = proportion(e('ca'), n);
    const mr = mentionRate.value ?? 0;
    const components = {
      mentionRate: mr,
      shareOfVoice: shareOfVoice?.value ?? 0,
      position: averagePosition.value ? mr * (1 / averagePosition.value) : 0,
      sentiment: sentiment.value !== null ? mr * ((sentiment.value + 1) / 2) : 0,
      citationConsistency: citationConsistency.value ?? 0,
    };
    const raw =
      VISIBILITY_WEIGHTS.mentionRate * components.mentionRate +
      VISIBILITY_WEIGHTS.shareOfVoice * components.shareOfVoice +
      VISIBILITY_WEIGHTS.position * components.position +
      VISIBILITY_WEIGHTS.sentiment * components.sentiment +
      VISIBILITY_WEIGHTS.citationConsistency * components.citationConsistency;
    const damping = n / (n + DAMPING_M);
    return {
      entityId,
      mentionRate,
      shareOfVoice,
      averagePosition,
      sentiment,
      answerSentiment: meanFromSums(e('asN'), e('as'), e('as2')),
      citationShare: proportion(e('oc'), get('cit')),
      citationConsistency,
      positionAdjustedWordCount: pawcTotal > 0 ? e('pw') / pawcTotal : null,
      visibilityScore: { value: Math.round(1000 * raw * damping) / 10, raw, damping, components },
    };
  };
  return {
    n,
    shareOfVoiceN: scopeAll ? n : get('nNB'),
    brand: entity(options.brandId),
    competitors: competitorIds.map(entity),
  };
}

/** Cell filter of the metrics reader (every field optional = all). */
export interface RollupFilter {
  promptSetVersion?: number;
  provider?: string;
  surface?: string;
  topic?: string;
  branded?: boolean;
}

export function matchesFilter(dims: RollupDims, filter: RollupFilter): boolean {
  return (
    (filter.promptSetVersion === undefined || dims.promptSetVersion === filter.promptSetVersion) &&
    (filter.provider === undefined || dims.provider === filter.provider) &&
    (filter.surface === undefined || dims.surface === filter.surface) &&
    (filter.topic === undefined || dims.topic === filter.topic) &&
    (filter.branded === undefined || dims.branded === filter.branded)
  );
}
