/**
 * Small-sample statistics for honest metrics: Wilson score intervals for proportions, Newcombe's hybrid score
 * interval for a difference of two proportions, and a normal interval for means; and their cluster-aware forms
 * (design-effect Wilson, clustered means) for answers that are not independent (shared/statistics/clustered.ts).
 */

import {
  type ClusteredRatio,
  type ClusterTotals,
  clusteredRatio,
  designEffect,
  nestedClusteredRatio,
} from '../statistics/clustered.ts';
import { t95 } from '../statistics/distributions.ts';

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** A proportion k/n with its 95% Wilson score interval. */
export interface Proportion {
  /** Successes. */
  k: number;
  /** Sample size. */
  n: number;
  /** k/n, or null when n = 0. */
  value: number | null;
  /** 95% Wilson interval [low, high] (design-effect Wilson when clustered); [0, 1] when n = 0 (nothing is known). */
  ci: [number, number];
  /** Clusters the interval was estimated over (prompts); 0 = none known, the answers taken as independent. */
  clusters?: number;
  /** Design effect (robust variance over the binomial one, ≥ 1) when clustered. */
  deff?: number;
}

/** A mean with its sample size and a 95% normal-approximation interval (null below n = 2). */
export interface MeanEstimate {
  n: number;
  value: number | null;
  sd: number | null;
  ci: [number, number] | null;
  /** Clusters the interval was estimated over (prompts); 0 or absent = the values taken as independent. */
  clusters?: number;
}

/** Wilson score interval for k successes out of n. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  if (!(n > 0)) return [0, 1];
  const kk = Math.min(Math.max(k, 0), n);
  const p = kk / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact ends at the boundaries (avoids 1e-17 noise).
  const lo = kk === 0 ? 0 : Math.max(0, centre - half);
  const hi = kk === n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}

/**
 * Wilson interval with a design effect (Kish): the Wilson interval of the effective sample n/deff at the same
 * proportion. deff = 1 is the plain Wilson interval; below 1 it is treated as 1.
 */
export function wilsonDesign(k: number, n: number, deff: number, z = Z95): [number, number] {
  const d = Math.max(1, deff);
  return wilson(k / d, n / d, z);
}

/** A proportion estimated over clusters: its design effect, effective sample size and cluster count. */
export interface ClusteredProportion extends Proportion {
  /** Clusters (prompts, or days of a scope) the answers fall into. */
  clusters: number;
  /** Robust variance over the binomial one (≥ 1). */
  deff: number;
  /** n / deff: how many independent answers the sample is worth. */
  nEffective: number;
}

/** One cluster of a proportion: k successes of n trials, optionally nested in a coarser group (see below). */
export interface ProportionCluster {
  k: number;
  n: number;
  group?: string;
  /** The cluster's stratum (its prompt) when clusters are runs of a fixed prompt set (`stratifiedClusteredRatio`). */
  stratum?: string;
}

/** Robust ratio over clusters: nested (fine clusters within groups) when every cluster names its group. */
function robustRatio(cells: readonly (ClusterTotals & { group?: string; stratum?: string })[]): ClusteredRatio {
  return cells.length > 0 && cells.every((c) => c.group !== undefined)
    ? nestedClusteredRatio(cells as (ClusterTotals & { group: string; stratum?: string })[])
    : clusteredRatio(cells);
}

/**
 * THE interval of a proportion in PromptPulse (the Analytics API, the web's tables and charts, the action engine):
 * a proportion over clusters of (k successes, n trials), with the design-effect Wilson interval (the Wilson interval
 * of the effective sample n/deff) at Student's t with clusters − 1 degrees of freedom (the design effect itself is
 * estimated from that few clusters). When the robust variance does not exceed the binomial one (deff = 1: nothing
 * shows the answers to be correlated) the interval is the plain Wilson one at z. Below two clusters the design
 * effect cannot be estimated: the plain Wilson interval, flagged by `clusters`. Clusters that name a `group` are
 * nested: see `nestedClusteredRatio`.
 */
export function clusteredProportion(cells: readonly ProportionCluster[]): ClusteredProportion {
  const r = robustRatio(
    cells.map((c) => ({
      n: c.n,
      sum: c.k,
      ...(c.group !== undefined ? { group: c.group } : {}),
      ...(c.stratum !== undefined ? { stratum: c.stratum } : {}),
    })),
  );
  const k = cells.reduce((a, c) => a + (c.n > 0 ? c.k : 0), 0);
  const n = r.n;
  const p = n > 0 ? k / n : 0;
  const deff = designEffect(p, n, r.se);
  const z = r.df >= 1 && deff > 1 ? t95(r.df) : Z95;
  return {
    k,
    n,
    value: n > 0 ? p : null,
    ci: wilsonDesign(k, n, deff, z),
    clusters: r.clusters,
    deff,
    nEffective: n / deff,
  };
}

/** A mean over clusters, with its cluster-robust standard error and t degrees of freedom. */
export interface ClusteredMean extends MeanEstimate {
  clusters: number;
  se: number | null;
  df: number;
}

/**
 * Mean over clusters of (n, Σx, Σx²): the 95% interval is mean ± t(clusters − 1) × the cluster-robust standard
 * error, never narrower than the independent-values one. Below two clusters, the independent-values interval.
 * `totalSumSq` gives Σx² over all values when the clusters do not carry their own (per-prompt rollup counters).
 */
export function clusteredMean(
  cells: readonly (ClusterTotals & { group?: string; stratum?: string })[],
  totalSumSq?: number,
): ClusteredMean {
  const n = cells.reduce((a, c) => a + Math.max(0, c.n), 0);
  const sum = cells.reduce((a, c) => a + (c.n > 0 ? c.sum : 0), 0);
  const sumSq = totalSumSq ?? cells.reduce((a, c) => a + (c.n > 0 ? (c.sumSq ?? 0) : 0), 0);
  const iid = meanFromTotals(n, sum, sumSq);
  const r = robustRatio(cells);
  if (iid.value === null || r.se === null || iid.sd === null) return { ...iid, clusters: r.clusters, se: null, df: 0 };
  const iidSe = iid.sd / Math.sqrt(n);
  // As for proportions: the independent-values interval (at z) unless the robust variance exceeds it.
  const se = Math.max(r.se, iidSe);
  const half = (r.se > iidSe ? t95(r.df) : Z95) * se;
  return { ...iid, ci: [iid.value - half, iid.value + half], clusters: r.clusters, se, df: r.df };
}

/** Mean and normal interval from n, Σx and Σx² (the estimator of {@link meanEstimate}). */
export function meanFromTotals(n: number, sum: number, sumSq: number): MeanEstimate {
  if (!(n > 0)) return { n: 0, value: null, sd: null, ci: null };
  const mean = sum / n;
  if (n < 2) return { n, value: mean, sd: null, ci: null };
  const sd = Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
  const half = (Z95 * sd) / Math.sqrt(n);
  return { n, value: mean, sd, ci: [mean - half, mean + half] };
}

export function proportion(k: number, n: number): Proportion {
  return { k, n, value: n > 0 ? k / n : null, ci: wilson(k, n) };
}

export function meanEstimate(values: readonly number[]): MeanEstimate {
  const n = values.length;
  if (n === 0) return { n: 0, value: null, sd: null, ci: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, value: mean, sd: null, ci: null };
  const variance = values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / (n - 1);
  const sd = Math.sqrt(variance);
  const half = (Z95 * sd) / Math.sqrt(n);
  return { n, value: mean, sd, ci: [mean - half, mean + half] };
}

/** Result of comparing a metric between two periods. */
export interface Change {
  /** after - before (null when either side has no data). */
  delta: number | null;
  /** 95% interval of the difference. */
  ci: [number, number] | null;
  /** True when the interval excludes 0: the change is outside the noise. */
  significant: boolean;
  direction: 'up' | 'down' | 'flat' | 'unknown';
}

/** Newcombe (1998) method 10: difference of two independent proportions, built from their Wilson intervals. */
export function compareProportions(before: Pick<Proportion, 'k' | 'n'>, after: Pick<Proportion, 'k' | 'n'>): Change {
  if (!(before.n > 0) || !(after.n > 0)) return { delta: null, ci: null, significant: false, direction: 'unknown' };
  const p1 = before.k / before.n;
  const p2 = after.k / after.n;
  const [l1, u1] = wilson(before.k, before.n);
  const [l2, u2] = wilson(after.k, after.n);
  const d = p2 - p1;
  const lo = d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2);
  const hi = d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2);
  const significant = lo > 0 || hi < 0;
  return { delta: d, ci: [lo, hi], significant, direction: significant ? (d > 0 ? 'up' : 'down') : 'flat' };
}

/** Welch-style normal comparison of two means (for sentiment and average position). */
export function compareMeans(before: MeanEstimate, after: MeanEstimate): Change {
  if (before.value === null || after.value === null || before.sd === null || after.sd === null) {
    return { delta: null, ci: null, significant: false, direction: 'unknown' };
  }
  const d = after.value - before.value;
  const se = Math.sqrt((before.sd * before.sd) / before.n + (after.sd * after.sd) / after.n);
  if (se === 0) {
    const significant = d !== 0;
    return { delta: d, ci: [d, d], significant, direction: significant ? (d > 0 ? 'up' : 'down') : 'flat' };
  }
  const lo = d - Z95 * se;
  const hi = d + Z95 * se;
  const significant = lo > 0 || hi < 0;
  return { delta: d, ci: [lo, hi], significant, direction: significant ? (d > 0 ? 'up' : 'down') : 'flat' };
}
