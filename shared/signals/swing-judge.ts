/**
 * Judging one day of a (brand, source) series against its baseline window (swing-window.ts): the day tests
 * (a negative-binomial tail with day-of-week factors for volume; a z test with between-day variance for sentiment)
 * and the sustained-move test (a CUSUM over the last `cusum.days` days against the window before them). Pure.
 */

import { negativeBinomialTail, normalCdf } from '../statistics/distributions.ts';

const normalUpperTail = (z: number) => 1 - normalCdf(z);

import type { SignalDayPoint, SwingDetectorOptions, SwingFinding } from './swing-detector.ts';
import { type WindowStats, weekdayOf } from './swing-window.ts';

/** A quiet series is treated as about one signal every other day, so a first handful is not "infinitely" unlikely. */
const MIN_RATE = 0.5;
/** Floor of the per-post sentiment spread: a baseline of near-identical scores must not make every wobble significant. */
const MIN_SENTIMENT_SD = 0.1;

/** Expected volume of a day and its standard deviation under the window's negative binomial. */
export function expectedVolume(day: string, w: WindowStats, o: SwingDetectorOptions) {
  const weekday = weekdayOf(day);
  const mean = Math.max(w.volumeRate * (w.weekdayFactor[weekday] ?? 1), MIN_RATE);
  const alpha = Math.max(w.dispersion, o.volume.minDispersion);
  // Predictive, not plug-in: the expected value itself rests on the few days of that weekday (plus the prior),
  // so its own uncertainty, about a 1/(days + 2) share of a day's variance, is added (as extra dispersion).
  const variance = (mean + alpha * mean * mean) * (1 + 1 / ((w.weekdayDays[weekday] ?? 0) + 2));
  return { mean, alpha: (variance - mean) / (mean * mean), sd: Math.sqrt(variance) };
}

/** Variance of a day's mean sentiment over n posts around the window's pooled mean (within + between + estimate). */
export function sentimentVariance(n: number, w: WindowStats): number {
  const within = Math.max(w.sentimentWithinVar, MIN_SENTIMENT_SD ** 2);
  const pooled =
    w.sentimentN > 0 ? within / w.sentimentN + (w.sentimentBetweenVar * w.sentimentConcentration) / w.sentimentN : 0;
  // n = ∞: the variance of the baseline's pooled mean alone.
  return (Number.isFinite(n) ? within / n + w.sentimentBetweenVar : 0) + pooled;
}

function collectionDropped(point: SignalDayPoint, w: WindowStats, o: SwingDetectorOptions) {
  return w.collectedMedian > 0 && point.collected < o.collectionDropRatio * w.collectedMedian;
}

/**
 * A volume drop on a day the collection itself dropped is suppressed unless the brand's share of what was collected
 * fell by the relative threshold and beyond chance: the silence is then in the conversation, not the collection.
 */
function dropSuppressed(point: SignalDayPoint, w: WindowStats, o: SwingDetectorOptions): SwingFinding['suppressed'] {
  if (!collectionDropped(point, w, o)) return null;
  const baselineShare = w.collectedTotal > 0 ? w.volumeTotal / w.collectedTotal : 0;
  const share = point.collected > 0 ? point.volume / point.collected : 0;
  const expected = point.collected * baselineShare;
  const shareFell =
    baselineShare > 0 &&
    point.collected > 0 &&
    share <= baselineShare * (1 - o.volume.minRelativeChange) &&
    negativeBinomialTail(point.volume, expected, Math.max(w.dispersion, o.volume.minDispersion), 'lower') <=
      o.volume.maxPValue;
  return shareFell ? null : 'collection_drop';
}

/** The day tests of one day against its window. */
export function judgeDay(point: SignalDayPoint, w: WindowStats, o: SwingDetectorOptions): SwingFinding[] {
  if (w.days < o.minBaselineDays) return [];
  const findings: SwingFinding[] = [];
  const collection = { observed: point.collected, baseline: w.collectedMedian };

  const v = o.volume;
  const { mean, alpha, sd } = expectedVolume(point.day, w, o);
  const delta = point.volume - mean;
  const relative = delta / mean;
  const z = delta / sd;
  const side = delta > 0 ? 'upper' : 'lower';
  if (
    Math.max(point.volume, mean) >= v.minVolume &&
    Math.abs(delta) >= v.minAbsoluteChange &&
    Math.abs(relative) >= v.minRelativeChange
  ) {
    const p = negativeBinomialTail(point.volume, mean, alpha, side);
    if (p <= v.maxPValue) {
      findings.push({
        day: point.day,
        kind: 'day',
        metric: 'volume',
        direction: delta > 0 ? 'up' : 'down',
        observed: { value: point.volume, n: point.volume },
        baseline: { days: w.days, value: mean, spread: sd, n: w.volumeTotal },
        change: { absolute: delta, relative, z },
        thresholds: v,
        collection,
        suppressed: delta < 0 ? dropSuppressed(point, w, o) : null,
        // Critical: the count at least doubled or fell by three quarters, far beyond the dispersion.
        severity: p <= v.maxPValue * 1e-3 && (relative >= 1 || relative <= -0.75) ? 'critical' : 'warning',
      });
    }
  }

  const s = o.sentiment;
  if (point.sentimentN >= s.minN && w.sentimentN >= s.minBaselineN) {
    const baseMean = w.sentimentSum / w.sentimentN;
    const obsMean = point.sentimentSum / point.sentimentN;
    const se = Math.sqrt(sentimentVariance(point.sentimentN, w));
    const sDelta = obsMean - baseMean;
    const sz = sDelta / se;
    if (Math.abs(sDelta) >= s.minAbsoluteChange && Math.abs(sz) >= s.minZ) {
      findings.push({
        day: point.day,
        kind: 'day',
        metric: 'sentiment',
        direction: sDelta > 0 ? 'up' : 'down',
        observed: { value: obsMean, n: point.sentimentN },
        baseline: { days: w.days, value: baseMean, spread: se, n: w.sentimentN },
        change: { absolute: sDelta, relative: null, z: sz },
        thresholds: s,
        collection,
        suppressed: null,
        severity: Math.abs(sDelta) >= 2 * s.minAbsoluteChange && Math.abs(sz) >= 1.5 * s.minZ ? 'critical' : 'warning',
      });
    }
  }
  return findings;
}

/** The tail of a run's total under a negative binomial with the run's mean and variance (counts are skewed). */
function runTail(observed: number, mean: number, variance: number, direction: 'up' | 'down'): number {
  const alpha = Math.max(0, (variance - mean) / (mean * mean));
  return negativeBinomialTail(observed, mean, alpha, direction === 'up' ? 'upper' : 'lower');
}

/** One-sided CUSUM paths (upper, lower) of standardized residuals, reset at 0, with reference value k. */
export function cusum(z: readonly (number | null)[], k: number): { upper: number[]; lower: number[] } {
  const upper: number[] = [];
  const lower: number[] = [];
  let up = 0;
  let down = 0;
  for (const x of z) {
    if (x !== null) {
      up = Math.max(0, up + x - k);
      down = Math.max(0, down - x - k);
    }
    upper.push(up);
    lower.push(down);
  }
  return { upper, lower };
}

/**
 * Sustained moves: standardized residuals of the last `cusum.days` days (the judged day last) against the window
 * before them, accumulated by a one-sided CUSUM; a finding on the first day the path is at or above `h` AND the move
 * over the run is also large enough to matter (half the day test's relative threshold, its absolute one over the run,
 * and its volume floor per day: a handful of posts a day that doubles is not a swing). Days the day test already flags are left to it (one alert per metric and day).
 */
export function judgeSustained(
  span: readonly SignalDayPoint[],
  w: WindowStats,
  o: SwingDetectorOptions,
  flagged: ReadonlySet<string>,
): SwingFinding[] {
  const point = span[span.length - 1];
  if (!point || w.days < o.minBaselineDays) return [];
  const { k, h } = o.cusum;
  const findings: SwingFinding[] = [];
  const collection = { observed: point.collected, baseline: w.collectedMedian };
  const runStart = (path: number[]) => {
    let i = path.length - 1;
    while (i > 0 && (path[i - 1] as number) > 0) i--;
    return i;
  };
  /**
   * The judged (last) day alerts when the path is at or above h, the run up to it passes `passes`, and no earlier
   * day of the same run did both (it alerted then): a run that is not yet convincing when the path first crosses h
   * gets another chance on the following days, and one move gives one alert.
   */
  const firstPass = (path: number[], passes: (end: number) => boolean) => {
    const last = path.length - 1;
    if ((path[last] as number) < h) return false;
    for (let j = runStart(path); j < last; j++) if ((path[j] as number) >= h && passes(j)) return false;
    return passes(last);
  };

  if (!flagged.has('volume')) {
    const expected = span.map((p) => (p.collected > 0 ? expectedVolume(p.day, w, o) : null));
    const z = span.map((p, i) => {
      const e = expected[i];
      return e ? (p.volume - e.mean) / e.sd : null;
    });
    const paths = cusum(z, k);
    for (const [path, direction] of [
      [paths.upper, 'up'],
      [paths.lower, 'down'],
    ] as const) {
      const start = runStart(path);
      const volumeRun = (end: number) => {
        const run = span.slice(start, end + 1).filter((p) => p.collected > 0);
        const observed = run.reduce((a, p) => a + p.volume, 0);
        const mean = run.reduce((a, p) => a + expectedVolume(p.day, w, o).mean, 0);
        const delta = observed - mean;
        // The run as a whole, against the variance of its total: each day's (negative-binomial) variance plus the
        // uncertainty of the window's rate, which every day of the run shares (it does not average out over the run).
        const dayVariance = run.reduce((a, p) => a + expectedVolume(p.day, w, o).sd ** 2, 0);
        const rateVariance =
          (mean * mean * (1 / Math.max(w.volumeRate, 0.5) + Math.max(w.dispersion, o.volume.minDispersion))) / w.days;
        const ok =
          run.length > 0 &&
          runTail(observed, mean, dayVariance + rateVariance, direction) <= normalUpperTail(o.cusum.minRunZ) &&
          Math.max(observed, mean) / run.length >= o.volume.minVolume &&
          Math.abs(delta) >= o.volume.minAbsoluteChange &&
          Math.abs(delta / mean) >= o.volume.minRelativeChange / 2;
        return { run, observed, mean, delta, ok };
      };
      if (!firstPass(path, (end) => volumeRun(end).ok)) continue;
      const { run, observed, mean, delta } = volumeRun(path.length - 1);
      findings.push({
        day: point.day,
        kind: 'sustained',
        metric: 'volume',
        direction,
        observed: { value: observed / run.length, n: observed },
        baseline: {
          days: w.days,
          value: mean / run.length,
          spread: expectedVolume(point.day, w, o).sd,
          n: w.volumeTotal,
        },
        change: { absolute: (observed - mean) / run.length, relative: delta / mean, z: path.at(-1) as number },
        thresholds: { ...o.volume, cusumK: k, cusumH: h, sustainedDays: run.length },
        collection,
        suppressed: direction === 'down' ? dropSuppressed(point, w, o) : null,
        severity: 'warning',
      });
    }
  }

  const s = o.sentiment;
  if (!flagged.has('sentiment') && w.sentimentN >= s.minBaselineN) {
    const baseMean = w.sentimentSum / w.sentimentN;
    const minDayN = Math.max(2, Math.ceil(s.minN / 2));
    const z = span.map((p) =>
      p.collected > 0 && p.sentimentN >= minDayN
        ? (p.sentimentSum / p.sentimentN - baseMean) / Math.sqrt(sentimentVariance(p.sentimentN, w))
        : null,
    );
    const paths = cusum(z, k);
    for (const [path, direction] of [
      [paths.upper, 'up'],
      [paths.lower, 'down'],
    ] as const) {
      const start = runStart(path);
      const sentimentRun = (end: number) => {
        const run = span.slice(start, end + 1).filter((p) => p.collected > 0 && p.sentimentN >= minDayN);
        const n = run.reduce((a, p) => a + p.sentimentN, 0);
        const runMean = n > 0 ? run.reduce((a, p) => a + p.sentimentSum, 0) / n : baseMean;
        const runVariance =
          Math.max(w.sentimentWithinVar, MIN_SENTIMENT_SD ** 2) / Math.max(1, n) +
          w.sentimentBetweenVar / Math.max(1, run.length) +
          sentimentVariance(Number.POSITIVE_INFINITY, w);
        const ok =
          n >= s.minN &&
          Math.abs(runMean - baseMean) >= s.minAbsoluteChange / 2 &&
          Math.abs(runMean - baseMean) / Math.sqrt(runVariance) >= o.cusum.minRunZ;
        return { run, n, runMean, ok };
      };
      if (!firstPass(path, (end) => sentimentRun(end).ok)) continue;
      const { run, n, runMean } = sentimentRun(path.length - 1);
      findings.push({
        day: point.day,
        kind: 'sustained',
        metric: 'sentiment',
        direction,
        observed: { value: runMean, n },
        baseline: { days: w.days, value: baseMean, spread: Math.sqrt(sentimentVariance(n, w)), n: w.sentimentN },
        change: { absolute: runMean - baseMean, relative: null, z: path.at(-1) as number },
        thresholds: { ...s, cusumK: k, cusumH: h, sustainedDays: run.length },
        collection,
        suppressed: null,
        severity: 'warning',
      });
    }
  }
  return findings;
}
