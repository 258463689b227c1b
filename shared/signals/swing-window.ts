/**
 * Baseline statistics of a swing detector window (the collecting days before a judged day): the robust centre of
 * volume, its day-of-week factors, its overdispersion, and sentiment's within-day and between-day variance. Pure.
 */

import type { SignalDayPoint } from './swing-detector.ts';

/** Consistency constant: MAD × 1.4826 estimates σ for normal data. */
export const MAD_SCALE = 1.4826;
/** Pseudo-days pulling the weekend and weekday factors toward 1 (a window with only a weekend or two of data). */
const WEEKDAY_PRIOR_DAYS = 0.5;
const isWeekend = (weekday: number) => weekday === 0 || weekday === 6;

/** Baseline statistics of one window, whichever way the order statistics were obtained (incremental or naive). */
export interface WindowStats {
  days: number;
  volumeMedian: number;
  volumeMad: number;
  volumeTotal: number;
  /** Mean daily volume over the window's days that were not outliers themselves (≤ median + 3 robust spreads). */
  volumeRate: number;
  collectedMedian: number;
  collectedTotal: number;
  sentimentN: number;
  sentimentSum: number;
  sentimentSumSq: number;
  /** Day-of-week factors (Sunday = 0) of the inlier days: one for weekends, one for weekdays, shrunk toward 1. */
  weekdayFactor: number[];
  /** Inlier days each weekday's factor rests on. */
  weekdayDays: number[];
  /** Negative-binomial overdispersion α (variance = μ + α·μ²) of the inlier days around rate × weekday factor. */
  dispersion: number;
  /** Per-post sentiment variance within days, and the variance of the days' true means between days. */
  sentimentWithinVar: number;
  sentimentBetweenVar: number;
  /** Σ n_i² / N over the window's sentiment days (how unequal the days are; for the variance of the pooled mean). */
  sentimentConcentration: number;
}

const weekdayCache = new Map<string, number>();
/** Day of week (Sunday = 0) of a `YYYY-MM-DD` day; cached (every judged day reads its window's 28 days). */
export function weekdayOf(day: string): number {
  let weekday = weekdayCache.get(day);
  if (weekday === undefined) {
    weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekdayCache.size > 10_000) weekdayCache.clear();
    weekdayCache.set(day, weekday);
  }
  return weekday;
}

/**
 * Mean of the sorted values up to median + 4 robust spreads: the rate of a window, not inflated by the extreme spike
 * days it may already contain. Why 4 and not 3: social counts are right-skewed (overdispersed), and cutting at 3
 * robust spreads drops their ordinary busy days, which biased the rate and the dispersion low and made ordinary
 * busy days look like swings (docs/signals.md).
 */
export function inlierCutoff(median: number, mad: number): number {
  return median + 4 * Math.max(MAD_SCALE * mad, Math.sqrt(median), 1);
}

export function inlierMean(sorted: readonly number[], median: number, mad: number): number {
  const cutoff = inlierCutoff(median, mad);
  let sum = 0;
  let n = 0;
  for (const x of sorted) {
    if (x > cutoff) break;
    sum += x;
    n++;
  }
  return n > 0 ? sum / n : 0;
}

export function sortedMedian(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The seasonal and variance parts of a window's statistics, from its collecting days (O(w)); the order statistics
 * (`volumeMedian`, `volumeMad`, `volumeRate`) must already be in `w`.
 * - Weekend and weekday factors: (Σ volume on such days + ½·rate) / ((such days + ½)·rate), inlier days only.
 * - Dispersion: the larger of the method of moments on inlier days, α = max(0, (Σ(y − μ_i)² − Σμ_i) / Σμ_i²) with
 *   μ_i = rate × factor, and the robust log-scale estimate (1.4826·MAD of log counts)² − 1/rate.
 * - Sentiment: pooled within-day variance, and the between-day variance of the daily means by the method of
 *   moments (DerSimonian–Laird): τ² = max(0, (Σ n_i(m_i − m)² − (G − 1)σ²_w) / (N − Σn_i²/N)).
 */
export function completeWindow(w: WindowStats, points: readonly SignalDayPoint[]): WindowStats {
  const cutoff = inlierCutoff(w.volumeMedian, w.volumeMad);
  const rate = w.volumeRate;
  // Two levels, weekend and weekday: a factor per weekday would rest on 4 days of a 28-day window, too noisy for
  // overdispersed counts (its error made ordinary days look like swings); weekends pool 8 days, weekdays 20.
  const sums = [0, 0];
  const counts = [0, 0];
  for (const p of points) {
    if (p.collected <= 0 || p.volume > cutoff) continue;
    const level = isWeekend(weekdayOf(p.day)) ? 1 : 0;
    sums[level] = (sums[level] as number) + p.volume;
    counts[level] = (counts[level] as number) + 1;
  }
  const levelFactor = sums.map((s, l) =>
    rate > 0 ? (s + WEEKDAY_PRIOR_DAYS * rate) / (((counts[l] as number) + WEEKDAY_PRIOR_DAYS) * rate) : 1,
  );
  const weekdayFactor = [0, 1, 2, 3, 4, 5, 6].map((d) => levelFactor[isWeekend(d) ? 1 : 0] as number);
  const weekdayDays = [0, 1, 2, 3, 4, 5, 6].map((d) => counts[isWeekend(d) ? 1 : 0] as number);
  // Moments over the inlier days (a spike planted in the window must not blunt the next one; the cutoff is wide
  // enough, 4 robust spreads, that ordinary busy days of a skewed count stay in).
  let excess = 0;
  let meanSq = 0;
  for (const p of points) {
    if (p.collected <= 0 || p.volume > cutoff) continue;
    const mu = rate * (weekdayFactor[weekdayOf(p.day)] as number);
    excess += (p.volume - mu) ** 2 - mu;
    meanSq += mu * mu;
  }
  // Two estimates of the dispersion, the larger kept: the moments of the inlier days, and the robust spread of
  // log counts (for a gamma-Poisson count, Var log(y) ≈ α + 1/μ), which spike days cannot inflate and the cut at the
  // inlier cutoff cannot shrink.
  const moments = meanSq > 0 ? Math.max(0, excess / meanSq) : 0;
  const logs = points.filter((p) => p.collected > 0).map((p) => Math.log(p.volume + 0.5));
  logs.sort((a, b) => a - b);
  const logMedian = sortedMedian(logs);
  const logMad = sortedMedian(logs.map((x) => Math.abs(x - logMedian)).sort((a, b) => a - b));
  const logSpread = rate >= 5 ? Math.max(0, (MAD_SCALE * logMad) ** 2 - 1 / rate) : 0;
  const dispersion = Math.max(moments, logSpread);

  let n = 0;
  let sum = 0;
  let withinSs = 0;
  let days = 0;
  let sumNSq = 0;
  for (const p of points) {
    if (p.collected <= 0 || p.sentimentN <= 0) continue;
    n += p.sentimentN;
    sum += p.sentimentSum;
    withinSs += Math.max(0, p.sentimentSumSq - (p.sentimentSum * p.sentimentSum) / p.sentimentN);
    days++;
    sumNSq += p.sentimentN * p.sentimentN;
  }
  const within = n > days ? withinSs / (n - days) : 0;
  let between = 0;
  if (days >= 2 && n > 0) {
    const mean = sum / n;
    let q = 0;
    for (const p of points) {
      if (p.collected <= 0 || p.sentimentN <= 0) continue;
      q += p.sentimentN * (p.sentimentSum / p.sentimentN - mean) ** 2;
    }
    const denominator = n - sumNSq / n;
    between = denominator > 0 ? Math.max(0, (q - (days - 1) * within) / denominator) : 0;
  }
  return {
    ...w,
    weekdayFactor,
    weekdayDays,
    dispersion,
    sentimentWithinVar: within,
    sentimentBetweenVar: between,
    sentimentConcentration: n > 0 ? sumNSq / n : 0,
  };
}

/** Window statistics computed from scratch (sort, deviations, sort again): the reference and the CUSUM baseline. */
export function windowStatsOf(points: readonly SignalDayPoint[]): WindowStats {
  const window = points.filter((p) => p.collected > 0);
  const vols = window.map((p) => p.volume).sort((a, b) => a - b);
  const median = sortedMedian(vols);
  const mad = sortedMedian(vols.map((x) => Math.abs(x - median)).sort((a, b) => a - b));
  return completeWindow(
    {
      days: window.length,
      volumeMedian: median,
      volumeMad: mad,
      volumeTotal: window.reduce((a, p) => a + p.volume, 0),
      volumeRate: inlierMean(vols, median, mad),
      collectedMedian: sortedMedian(window.map((p) => p.collected).sort((a, b) => a - b)),
      collectedTotal: window.reduce((a, p) => a + p.collected, 0),
      sentimentN: window.reduce((a, p) => a + p.sentimentN, 0),
      sentimentSum: window.reduce((a, p) => a + p.sentimentSum, 0),
      sentimentSumSq: window.reduce((a, p) => a + p.sentimentSumSq, 0),
      weekdayFactor: [1, 1, 1, 1, 1, 1, 1],
      weekdayDays: [0, 0, 0, 0, 0, 0, 0],
      dispersion: 0,
      sentimentWithinVar: 0,
      sentimentBetweenVar: 0,
      sentimentConcentration: 0,
    },
    window,
  );
}
