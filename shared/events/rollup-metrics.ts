/**
 * The pure reader that turns summed rollup counters into the metrics of docs/analysis.md (with n and 95% intervals) without
 * touching answers.
 */

import { type EntityMetrics, type MetricOptions, type MetricsReport, visibilityScoreOf } from '../analysis/metrics.ts';
import {
  clusteredMean,
  clusteredProportion,
  type MeanEstimate,
  type Proportion,
  proportion,
  Z95,
} from '../analysis/stats.ts';
import {
  type EntityCounterName,
  entityCounter,
  entityIdsOf,
  PROMPT_COUNTER_PREFIX,
  type PromptEntityCounterName,
  type RollupCounters,
} from './rollup-counters.ts';

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

/** One prompt's totals over the summed cells: answers, branded answers, citations and per-entity counters. */
export interface PromptTotals {
  n: number;
  b: number;
  cit: number;
  entities: Map<string, Partial<Record<PromptEntityCounterName, number>>>;
}

/** The per-prompt counters of summed rollup counters (rollup-counters.ts), by prompt id. */
export function promptTotals(counters: RollupCounters): Map<string, PromptTotals> {
  const out = new Map<string, PromptTotals>();
  for (const key in counters) {
    if (!key.startsWith(PROMPT_COUNTER_PREFIX)) continue;
    const parts = key.slice(PROMPT_COUNTER_PREFIX.length).split('#');
    const promptId = parts[0] as string;
    let totals = out.get(promptId);
    if (!totals) {
      totals = { n: 0, b: 0, cit: 0, entities: new Map() };
      out.set(promptId, totals);
    }
    const value = counters[key] as number;
    if (parts.length === 2) {
      const name = parts[1];
      if (name === 'n' || name === 'b' || name === 'cit') totals[name] += value;
    } else if (parts.length === 3) {
      const entity = totals.entities.get(parts[1] as string) ?? {};
      const name = parts[2] as PromptEntityCounterName;
      entity[name] = (entity[name] ?? 0) + value;
      totals.entities.set(parts[1] as string, entity);
    }
  }
  return out;
}

/** Separates a cell's period and provider from the prompt id in a per-prompt cluster key (see {@link cellClusters}). */
const CLUSTER_SEPARATOR = '|';

/**
 * A stored cell's counters with its per-prompt counters renamed to one cluster per prompt, provider and period
 * (`p#<period>|<provider>|<promptId>#…`): the answers of one prompt's run. Summed cells then keep their clusters
 * apart, and the reader nests them in their provider-day (rates: a model's day moves its own mention rates) or day
 * (means: news moves every provider's sentiment); docs/analysis.md, "Intervals".
 */
export function cellClusters(cell: {
  period: string;
  dims: { provider: string };
  counters: RollupCounters;
}): RollupCounters {
  const out: RollupCounters = {};
  const tag = `${PROMPT_COUNTER_PREFIX}${cell.period}${CLUSTER_SEPARATOR}${cell.dims.provider}${CLUSTER_SEPARATOR}`;
  for (const key in cell.counters)
    out[key.startsWith(PROMPT_COUNTER_PREFIX) ? tag + key.slice(PROMPT_COUNTER_PREFIX.length) : key] = cell.counters[
      key
    ] as number;
  return out;
}

/**
 * The interval estimators of the metrics, one per kind, both from shared/analysis/stats.ts: a proportion over
 * clusters of (k, n) and a mean over clusters of (n, Σx) with the answers' Σx² for the independent-values floor.
 * Clusters are prompts (per cell, when the reader kept cells apart with {@link cellClusters}) when the cells carry
 * per-prompt counters for every counted unit; otherwise (rollups written before per-prompt counters, brand totals)
 * the plain Wilson and normal intervals, and `clusters` says 0.
 */
interface Estimators {
  rate(
    k: number,
    n: number,
    cluster: (p: PromptTotals) => { k: number; n: number },
    use?: (p: PromptTotals) => boolean,
  ): Proportion;
  mean(n: number, sum: number, sumSq: number, cluster: (p: PromptTotals) => { n: number; sum: number }): MeanEstimate;
}

function estimatorsOf(counters: RollupCounters): Estimators {
  const prompts = [...promptTotals(counters)].map(([key, totals]) => {
    const parts = key.split(CLUSTER_SEPARATOR);
    // Rates nest in the cell's provider and period, means in the period (undefined: clusters are whole prompts).
    const rateGroup = parts.length === 3 ? `${parts[0]}${CLUSTER_SEPARATOR}${parts[1]}` : undefined;
    const meanGroup = parts.length === 3 ? parts[0] : undefined;
    const stratum = parts.length === 3 ? parts[2] : undefined;
    return { totals, rateGroup, meanGroup, stratum };
  });
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  return {
    rate(k, n, cluster, use = () => true) {
      const cells = prompts
        .filter((p) => use(p.totals))
        .map((p) => ({
          ...cluster(p.totals),
          ...(p.rateGroup !== undefined ? { group: p.rateGroup, stratum: p.stratum as string } : {}),
        }));
      const covered = cells.reduce((a, c) => a + c.n, 0);
      if (
        cells.length === 0 ||
        !near(covered, n) ||
        !near(
          cells.reduce((a, c) => a + c.k, 0),
          k,
        )
      )
        return { ...proportion(k, n), clusters: 0 };
      const { nEffective: _, ...estimate } = clusteredProportion(cells);
      return estimate;
    },
    mean(n, sum, sumSq, cluster) {
      const cells = prompts.map((p) => ({
        ...cluster(p.totals),
        ...(p.meanGroup !== undefined ? { group: p.meanGroup, stratum: p.stratum as string } : {}),
      }));
      if (
        cells.length === 0 ||
        !near(
          cells.reduce((a, c) => a + c.n, 0),
          n,
        )
      )
        return { ...meanFromSums(n, sum, sumSq), clusters: 0 };
      const { se: _, df: __, ...estimate } = clusteredMean(cells, sumSq);
      return estimate;
    },
  };
}

/**
 * The metrics (docs/analysis.md) for the brand and its competitors from summed rollup counters: the same definitions as
 * `computeMetrics` (shared/analysis/metrics.ts) over the same answers, without reading them. Intervals are the
 * prompt-clustered ones of shared/analysis/stats.ts (`clusteredProportion`, `clusteredMean`) wherever the cells
 * carry per-prompt counters: the samples of a prompt are not independent (docs/analysis.md, "Intervals").
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
  const est = estimatorsOf(counters);
  const of = (p: PromptTotals, entityId: string, name: PromptEntityCounterName) =>
    p.entities.get(entityId)?.[name] ?? 0;
  const voice = (p: PromptTotals) => tracked.reduce((s, id) => s + of(p, id, 'mv'), 0);
  const inScope = (p: PromptTotals) => scopeAll || p.b === 0;
  const entity = (entityId: string): EntityMetrics => {
    const e = (name: EntityCounterName) => get(entityCounter(entityId, name));
    const mentionRate = est.rate(e('m'), n, (p) => ({ k: of(p, entityId, 'm'), n: p.n }));
    const shareOfVoice =
      allMentions > 0
        ? est.rate(e(mvName), allMentions, (p) => ({ k: of(p, entityId, 'mv'), n: voice(p) }), inScope)
        : null;
    const averagePosition = est.mean(e('rkN'), e('rk'), e('rk2'), (p) => ({
      n: of(p, entityId, 'rkN'),
      sum: of(p, entityId, 'rk'),
    }));
    const sentiment = est.mean(e('sN'), e('s'), e('s2'), (p) => ({
      n: of(p, entityId, 'sN'),
      sum: of(p, entityId, 's'),
    }));
    const citationConsistency = est.rate(e('ca'), n, (p) => ({ k: of(p, entityId, 'ca'), n: p.n }));
    return {
      entityId,
      mentionRate,
      shareOfVoice,
      averagePosition,
      sentiment,
      answerSentiment: est.mean(e('asN'), e('as'), e('as2'), (p) => ({
        n: of(p, entityId, 'asN'),
        sum: of(p, entityId, 'as'),
      })),
      citationShare: est.rate(e('oc'), get('cit'), (p) => ({ k: of(p, entityId, 'oc'), n: p.cit })),
      citationConsistency,
      positionAdjustedWordCount: pawcTotal > 0 ? e('pw') / pawcTotal : null,
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
  };
  return {
    n,
    shareOfVoiceN: scopeAll ? n : get('nNB'),
    brand: entity(options.brandId),
    competitors: competitorIds.map(entity),
  };
}
