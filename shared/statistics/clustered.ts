/**
 * Cluster-aware estimates and tests. Answers are not independent draws: the samples of one prompt in one run share
 * the prompt and the day's model state, and a day's news moves every answer of that day. Treating each answer as
 * independent makes intervals too narrow and tests fire on noise (docs/actions.md, "False-positive budget"). Here
 * the unit of replication is a cluster (a day of a scope, in the action engine: every answer of a day is nested in
 * it, so within-prompt and within-day correlation are both inside the cluster) and variances are cluster-robust
 * (the "sandwich" variance of a ratio estimator, with the G/(G−1) small-sample factor), judged against Student's t
 * with G − 1 degrees of freedom. A variance is never allowed below the independent-answers one: with few clusters
 * the robust estimate can come out small by chance, and "more precise than independent answers" is never the
 * truth for these data.
 */

import { binomialUpper, t95, tCdf } from './distributions.ts';

/** One cluster's totals: `n` units (answers, mentions), `sum` of the measured values, `sumSq` of their squares. */
export interface ClusterTotals {
  n: number;
  sum: number;
  sumSq?: number;
}

/** A ratio Σsum / Σn with its cluster-robust standard error. */
export interface ClusteredRatio {
  value: number | null;
  /** Units counted (answers or mentions). */
  n: number;
  /** Clusters with at least one unit. */
  clusters: number;
  /** Cluster-robust standard error; null below two clusters. */
  se: number | null;
  /** Degrees of freedom of the t reference: clusters − 1. */
  df: number;
}

/** Cluster-robust ("sandwich") standard error of the ratio estimator R = Σy/Σn: √(G/(G−1) Σ(y_c − R·n_c)²) / Σn. */
export function clusteredRatio(clusters: readonly ClusterTotals[]): ClusteredRatio {
  const used = clusters.filter((c) => c.n > 0);
  const n = used.reduce((a, c) => a + c.n, 0);
  const g = used.length;
  if (n === 0) return { value: null, n: 0, clusters: 0, se: null, df: 0 };
  const value = used.reduce((a, c) => a + c.sum, 0) / n;
  if (g < 2) return { value, n, clusters: g, se: null, df: 0 };
  const ss = used.reduce((a, c) => a + (c.sum - value * c.n) ** 2, 0);
  return { value, n, clusters: g, se: Math.sqrt((g / (g - 1)) * ss) / n, df: g - 1 };
}

/** A cluster's totals and the coarser group it is nested in (a prompt's run within its provider-day or day). */
export interface NestedClusterTotals extends ClusterTotals {
  group: string;
  /** The stratum of the cluster (its prompt), when clusters are runs of fixed prompts: see below. */
  stratum?: string;
}

/**
 * Cluster-robust ratio of a stratified sample: each stratum (a tracked prompt) contributes the spread of its own
 * clusters (its runs) around its own ratio, Σ_h G_h/(G_h−1) Σ_c (y_c − R_h·n_c)² / (Σn)², with Σ(G_h − 1) degrees of
 * freedom. Why: the prompts are not a sample, they are the prompt set the brand tracks, so how much prompts differ
 * from each other is not noise of "the rate over these prompts"; only how a prompt's answers vary from run to run is.
 * Falls back to the unstratified estimate when a stratum has a single cluster (its spread cannot be estimated).
 */
export function stratifiedClusteredRatio(clusters: readonly (ClusterTotals & { stratum: string })[]): ClusteredRatio {
  const used = clusters.filter((c) => c.n > 0);
  const strata = new Map<string, (ClusterTotals & { stratum: string })[]>();
  for (const c of used) strata.set(c.stratum, [...(strata.get(c.stratum) ?? []), c]);
  if ([...strata.values()].some((s) => s.length < 2)) return clusteredRatio(used);
  const n = used.reduce((a, c) => a + c.n, 0);
  if (n === 0) return { value: null, n: 0, clusters: 0, se: null, df: 0 };
  let variance = 0;
  let df = 0;
  for (const s of strata.values()) {
    const g = s.length;
    const r = s.reduce((a, c) => a + c.sum, 0) / s.reduce((a, c) => a + c.n, 0);
    variance += (g / (g - 1)) * s.reduce((a, c) => a + (c.sum - r * c.n) ** 2, 0);
    df += g - 1;
  }
  const value = used.reduce((a, c) => a + c.sum, 0) / n;
  return { value, n, clusters: used.length, se: Math.sqrt(variance) / n, df };
}

/**
 * Cluster-robust ratio over fine clusters nested in groups: the larger of the fine-cluster and the group-cluster
 * robust variance, with the degrees of freedom of the one used. Why both: a group-level shock (a model's day, a
 * day's news) is shared by every fine cluster of the group, so the fine estimate alone is too small when such shocks
 * exist; with few groups (one day of data) the group estimate alone is unusable, and the fine one (a prompt's
 * samples share the prompt and the run) is what is left.
 */
export function nestedClusteredRatio(cells: readonly NestedClusterTotals[]): ClusteredRatio {
  const fine = cells.every((c) => c.stratum !== undefined)
    ? stratifiedClusteredRatio(cells as (NestedClusterTotals & { stratum: string })[])
    : clusteredRatio(cells);
  const groups = new Map<string, ClusterTotals>();
  for (const c of cells) {
    if (!(c.n > 0)) continue;
    const g = groups.get(c.group) ?? { n: 0, sum: 0 };
    g.n += c.n;
    g.sum += c.sum;
    groups.set(c.group, g);
  }
  const coarse = clusteredRatio([...groups.values()]);
  if (coarse.se === null) return fine;
  if (fine.se === null || coarse.se > fine.se) return { ...coarse, clusters: fine.clusters };
  return fine;
}

/** Design effect of a clustered proportion: robust variance over the binomial one, never below 1. */
export function designEffect(p: number, n: number, se: number | null): number {
  if (se === null || !(n > 0) || p <= 0 || p >= 1) return 1;
  return Math.max(1, (se * se) / ((p * (1 - p)) / n));
}

/** t-reference of a difference of two independent estimates (Welch–Satterthwaite degrees of freedom). */
export function welchDf(se1: number, df1: number, se2: number, df2: number): number {
  const v1 = se1 * se1;
  const v2 = se2 * se2;
  const denominator = (df1 > 0 ? (v1 * v1) / df1 : 0) + (df2 > 0 ? (v2 * v2) / df2 : 0);
  return denominator > 0 ? (v1 + v2) ** 2 / denominator : Math.max(1, Math.min(df1, df2));
}

/** A one-sided test result: the estimate, its standard error, t and P(as or more extreme in the tested direction). */
export interface OneSidedTest {
  estimate: number | null;
  se: number | null;
  df: number;
  t: number | null;
  /** One-sided p-value in the tested direction (1 when there is nothing to test). */
  p: number;
  /** 95% two-sided interval of the estimate (t with df degrees of freedom). */
  ci: [number, number] | null;
}

const NO_TEST: OneSidedTest = { estimate: null, se: null, df: 0, t: null, p: 1, ci: null };

/** One-sided t test that `estimate` > 0 (`greater`) or < 0 (`less`). */
export function oneSidedT(estimate: number, se: number, df: number, side: 'greater' | 'less'): OneSidedTest {
  if (!(df >= 1) || !(se > 0)) return { ...NO_TEST, estimate };
  const t = estimate / se;
  const p = side === 'greater' ? 1 - tCdf(t, df) : tCdf(t, df);
  const half = t95(df) * se;
  return { estimate, se, df, t, p, ci: [estimate - half, estimate + half] };
}

/**
 * Paired difference over clusters: each cluster gives `n` answers and `sum` = Σ(x − y) over them (for mention rates,
 * answers naming the competitor minus answers naming the brand: concordant answers cancel, so the sum is the
 * cluster's discordant difference b_c − c_c). Tests mean difference > 0 with the cluster-robust t. The variance is
 * floored at the independent-answers one: `perAnswerVariance` when the caller knows it (with discordant counts,
 * (b + c)/n − D²; or its value when the two mentions are independent, p_x + p_y − 2·p_x·p_y − D²), else the
 * smallest the mean difference allows, |D|(1 − |D|).
 */
export function pairedDifferenceTest(
  clusters: readonly ClusterTotals[],
  side: 'greater' | 'less',
  perAnswerVariance?: number,
): OneSidedTest {
  const r = clusteredRatio(clusters);
  if (r.value === null || r.se === null) return { ...NO_TEST, estimate: r.value };
  const d = Math.abs(r.value);
  const perAnswer = perAnswerVariance ?? d * (1 - d);
  const iidSe = Math.sqrt(Math.max(0, perAnswer) / r.n);
  return oneSidedT(r.value, Math.max(r.se, iidSe), r.df, side);
}

/** Exact McNemar test on discordant counts: P(B ≥ b) for B ~ Binomial(b + c, ½) (one-sided, b > c), and two-sided. */
export function mcnemarExact(b: number, c: number): { oneSided: number; twoSided: number } {
  const n = b + c;
  if (n === 0) return { oneSided: 1, twoSided: 1 };
  const oneSided = binomialUpper(b, n, 0.5);
  const other = binomialUpper(c, n, 0.5);
  return { oneSided, twoSided: Math.min(1, 2 * Math.min(oneSided, other)) };
}

/** McNemar's χ² (1 df) without continuity correction: (b − c)² / (b + c). */
export function mcnemarChiSquare(b: number, c: number): number {
  return b + c > 0 ? (b - c) ** 2 / (b + c) : 0;
}

/**
 * Benjamini–Hochberg step-up at false discovery rate `q`: rejects the k smallest p-values, k the largest rank
 * with p_(k) ≤ k·q/m. Returns a flag per input, in input order.
 */
export function benjaminiHochberg(pValues: readonly number[], q: number): boolean[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  let cutoff = -1;
  order.forEach((x, rank) => {
    if (x.p <= ((rank + 1) * q) / m) cutoff = rank;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let rank = 0; rank <= cutoff; rank++) out[(order[rank] as { i: number }).i] = true;
  return out;
}

/**
 * Benjamini–Hochberg for a mix of continuous and discrete tests (Gilbert 2005, after Tarone 1990): a discrete test
 * (an exact McNemar on few discordant pairs) has a smallest p-value it can reach, and one that could never pass
 * should not dilute the others. K is the smallest number with #{i : min p_i ≤ q/K} ≤ K; the hypotheses whose
 * smallest attainable p is ≤ q/K go through BH at q with m = K, the rest are not rejected. `minPValues[i]` is 0
 * for a continuous test. With every minimum 0 this is plain BH.
 */
export function taroneBenjaminiHochberg(
  pValues: readonly number[],
  minPValues: readonly number[],
  q: number,
): boolean[] {
  const m = pValues.length;
  let k = 1;
  while (k < m && minPValues.filter((p) => p <= q / k).length > k) k++;
  const eligible = pValues.map((_, i) => (minPValues[i] ?? 0) <= q / k);
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((x) => eligible[x.i])
    .sort((a, b) => a.p - b.p);
  let cutoff = -1;
  order.forEach((x, rank) => {
    if (x.p <= ((rank + 1) * q) / k) cutoff = rank;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let rank = 0; rank <= cutoff; rank++) out[(order[rank] as { i: number }).i] = true;
  return out;
}
