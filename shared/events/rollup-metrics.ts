/**
 * The pure reader that turns summed rollup counters into the DESIGN §5 metrics (with n and 95% intervals) without
 * touching answers.
 */

import {
  DAMPING_M,
  type EntityMetrics,
  type MetricOptions,
  type MetricsReport,
  VISIBILITY_WEIGHTS,
} from '../analysis/metrics.ts';
import { type MeanEstimate, proportion, Z95 } from '../analysis/stats.ts';
import { type EntityCounterName, entityCounter, entityIdsOf, type RollupCounters } from './rollup-counters.ts';

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
