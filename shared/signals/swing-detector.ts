/**
 * Swing detection on daily signal series (docs/signals.md). Pure: a series in, findings out, no I/O.
 *
 * Every evaluated day is compared with a trailing baseline of the `baselineDays` days before it, counting only days
 * on which the source was actually collecting (`collected > 0`), so an outage or the weeks before a connector
 * existed never look like "normal" (swing-window.ts). Social counts are overdispersed and weekly-seasonal, and a
 * day's posts share that day's news, so:
 * - volume is judged by a negative-binomial tail around rate × day-of-week factor, its dispersion estimated from
 *   the window (never below `minDispersion`);
 * - sentiment by a z test whose variance holds the between-day variance of daily means, not only the posts';
 * - sustained moves that no single day shows by a CUSUM of the last `cusum.days` days against the window before
 *   them (swing-judge.ts).
 * An alert also needs enough volume, an absolute change and a relative one. A volume drop on a day when the
 * collection itself dropped is suppressed unless the brand's share of what was collected dropped too.
 */

/** One day of one (brand, source) series, as the signal rollups keep it. */
export interface SignalDayPoint {
  /** UTC date `YYYY-MM-DD`. */
  day: string;
  /** Signals about the brand from the source on that day. */
  volume: number;
  /**
   * Everything the workspace's connectors collected from the source that day, for all brands (the collection
   * volume). 0 = the source was not collecting: the day is left out of baselines.
   */
  collected: number;
  /** Signals with a target sentiment toward the brand, and the sum and sum of squares of those sentiments. */
  sentimentN: number;
  sentimentSum: number;
  sentimentSumSq: number;
}

export type SwingMetric = 'volume' | 'sentiment';
export type SwingDirection = 'up' | 'down';

export type VolumeThresholds = {
  /** The larger of observed and expected volume must reach this for any volume alert. @default 5 */
  minVolume: number;
  /** |observed − expected| in signals. @default 5 */
  minAbsoluteChange: number;
  /** |observed − expected| / expected. @default 0.5 */
  minRelativeChange: number;
  /**
   * Negative-binomial tail probability of a count at least this extreme given the expected volume of that weekday
   * and the window's dispersion. @default 0.0001
   */
  maxPValue: number;
  /** Smallest overdispersion α assumed (variance = μ + α·μ²), whatever a calm window suggests. @default 0.05 */
  minDispersion: number;
};

export type SentimentThresholds = {
  /** Signals with a target sentiment on the day. @default 10 */
  minN: number;
  /** Signals with a target sentiment over the baseline window. @default 30 */
  minBaselineN: number;
  /** |observed mean − baseline mean| on the [-1, 1] scale. @default 0.2 */
  minAbsoluteChange: number;
  /** |observed mean − baseline mean| in standard errors (posts' and between-day variance). @default 3.5 */
  minZ: number;
};

export type CusumOptions = {
  /** Days the CUSUM looks back over, the judged day last. @default 7 */
  days: number;
  /** Reference value k in standard deviations (half the shift it is tuned to). @default 0.5 */
  k: number;
  /** Decision interval h. @default 7 */
  h: number;
  /**
   * The run since the path left 0, as a whole, must also differ from its baseline by this many standard errors of
   * its total (days' variance plus the baseline's own uncertainty, which all days of the run share); for volume as
   * the negative-binomial tail of the total at the normal tail of this z. @default 3.5
   */
  minRunZ: number;
};

export interface SwingDetectorOptions {
  /** Trailing window length in days. @default 28 */
  baselineDays: number;
  /** Collecting days the window needs before anything is judged. @default 14 */
  minBaselineDays: number;
  /** Collection below this fraction of its baseline median is a collection drop. @default 0.5 */
  collectionDropRatio: number;
  volume: VolumeThresholds;
  sentiment: SentimentThresholds;
  cusum: CusumOptions;
}

export const DEFAULT_SWING_OPTIONS: SwingDetectorOptions = {
  baselineDays: 28,
  minBaselineDays: 14,
  collectionDropRatio: 0.5,
  volume: { minVolume: 5, minAbsoluteChange: 5, minRelativeChange: 0.5, maxPValue: 0.0001, minDispersion: 0.05 },
  sentiment: { minN: 10, minBaselineN: 30, minAbsoluteChange: 0.2, minZ: 3.5 },
  cusum: { days: 7, k: 0.5, h: 7, minRunZ: 3.5 },
};

export interface SwingBaseline {
  /** Collecting days in the window. */
  days: number;
  /** Volume: expected volume of the day (rate × weekday factor); sentiment: pooled mean sentiment. */
  value: number;
  /** Volume: negative-binomial standard deviation of the day; sentiment: standard error of the difference. */
  spread: number;
  /** Volume: total signals in the window; sentiment: signals with a sentiment in the window. */
  n: number;
}

export interface SwingFinding {
  day: string;
  /** `day`: the day alone is out of line; `sustained`: the CUSUM of the last days crossed its interval that day. */
  kind: 'day' | 'sustained';
  metric: SwingMetric;
  direction: SwingDirection;
  observed: { value: number; n: number };
  baseline: SwingBaseline;
  /** z: standardized change (day), or the CUSUM statistic (sustained). */
  change: { absolute: number; relative: number | null; z: number };
  /** The thresholds the finding was judged with. */
  thresholds: Readonly<Record<string, number>>;
  /** Collection volume of the day and its baseline median (for the collection-drop rule). */
  collection: { observed: number; baseline: number };
  /** Set when the swing is real in the numbers but not alerted. */
  suppressed: 'collection_drop' | null;
  /**
   * `critical` only for extreme day swings (volume at least doubled or down by three quarters with a tail
   * probability 1,000 times below the threshold; sentiment moved twice the minimum at 1.5 times the z threshold);
   * everything else, sustained moves included, is a `warning`.
   */
  severity: 'warning' | 'critical';
}

export interface DetectOptions {
  /** Only judge these days (default: every day that has a full enough baseline). */
  days?: ReadonlySet<string>;
  options?: Partial<Omit<SwingDetectorOptions, 'volume' | 'sentiment' | 'cusum'>> & {
    volume?: Partial<VolumeThresholds>;
    sentiment?: Partial<SentimentThresholds>;
    cusum?: Partial<CusumOptions>;
  };
}

const DAY_MS = 86_400_000;
export const dayNumber = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
export const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

export function resolveSwingOptions(partial: DetectOptions['options'] = {}): SwingDetectorOptions {
  return {
    ...DEFAULT_SWING_OPTIONS,
    ...partial,
    volume: { ...DEFAULT_SWING_OPTIONS.volume, ...partial.volume },
    sentiment: { ...DEFAULT_SWING_OPTIONS.sentiment, ...partial.sentiment },
    cusum: { ...DEFAULT_SWING_OPTIONS.cusum, ...partial.cusum },
  };
}

/** Points on a dense day grid from the first to the last point; missing days are zero (nothing collected). */
export function denseSeries(points: readonly SignalDayPoint[]): SignalDayPoint[] {
  if (points.length === 0) return [];
  const byDay = new Map<number, SignalDayPoint>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    const n = dayNumber(p.day);
    if (!Number.isFinite(n)) continue;
    byDay.set(n, p);
    if (n < first) first = n;
    if (n > last) last = n;
  }
  const out: SignalDayPoint[] = [];
  for (let n = first; n <= last; n++) {
    out.push(
      byDay.get(n) ?? { day: dayString(n), volume: 0, collected: 0, sentimentN: 0, sentimentSum: 0, sentimentSumSq: 0 },
    );
  }
  return out;
}

import { judgeDay, judgeSustained } from './swing-judge.ts';
import { completeWindow, inlierMean, sortedMedian, type WindowStats, windowStatsOf } from './swing-window.ts';

export type { WindowStats } from './swing-window.ts';

/** A sorted multiset of numbers with O(log n) search and O(n) insert/remove (n ≤ the window length). */
class SortedWindow {
  readonly values: number[] = [];
  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.values[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  add(x: number) {
    this.values.splice(this.lowerBound(x), 0, x);
  }
  remove(x: number) {
    const i = this.lowerBound(x);
    if (this.values[i] === x) this.values.splice(i, 1);
  }
  get size() {
    return this.values.length;
  }
  median(): number {
    return sortedMedian(this.values);
  }
  /** Median absolute deviation from `center`, by merging the two sides of the sorted values outward: O(n). */
  mad(center: number): number {
    const v = this.values;
    const n = v.length;
    if (n === 0) return 0;
    let right = this.lowerBound(center);
    let left = right - 1;
    const target = (n - 1) / 2;
    let prev = 0;
    for (let k = 0; k < n; k++) {
      const dl = left >= 0 ? center - (v[left] as number) : Number.POSITIVE_INFINITY;
      const dr = right < n ? (v[right] as number) - center : Number.POSITIVE_INFINITY;
      const d = Math.min(dl, dr);
      if (dl <= dr) left--;
      else right++;
      if (k === Math.floor(target)) {
        if (n % 2 === 1) return d;
        prev = d;
      } else if (k === Math.ceil(target)) return (prev + d) / 2;
    }
    return prev;
  }
}

/** Findings of day `i` given the window statistics of every day (stats[j] = the window before day j). */
function judgeIndex(
  series: readonly SignalDayPoint[],
  i: number,
  statsAt: (j: number) => WindowStats | null,
  o: SwingDetectorOptions,
): SwingFinding[] {
  const point = series[i] as SignalDayPoint;
  const w = statsAt(i);
  if (!w) return [];
  const day = judgeDay(point, w, o);
  const spanStart = Math.max(0, i - o.cusum.days + 1);
  const spanStats = statsAt(spanStart);
  if (!spanStats) return day;
  const flagged = new Set(day.map((f) => f.metric));
  return [...day, ...judgeSustained(series.slice(spanStart, i + 1), spanStats, o, flagged)];
}

/**
 * Finds the swings of one (brand, source) series. The window slides once over the dense series: sorted windows of
 * volume and collection are updated by one insert and one removal per day (O(w)) and sentiment sums by addition;
 * the seasonal and variance parts are one O(w) pass per day (swing-window.ts). A day's CUSUM reuses the window of
 * the first day of its span.
 */
export function detectSwings(points: readonly SignalDayPoint[], detect: DetectOptions = {}): SwingFinding[] {
  const o = resolveSwingOptions(detect.options);
  const series = denseSeries(points);
  const volumes = new SortedWindow();
  const collected = new SortedWindow();
  const sums = { volume: 0, collected: 0, sentimentN: 0, sentimentSum: 0, sentimentSumSq: 0 };
  const enter = (p: SignalDayPoint, sign: 1 | -1) => {
    if (p.collected <= 0) return;
    if (sign > 0) {
      volumes.add(p.volume);
      collected.add(p.collected);
    } else {
      volumes.remove(p.volume);
      collected.remove(p.collected);
    }
    sums.volume += sign * p.volume;
    sums.collected += sign * p.collected;
    sums.sentimentN += sign * p.sentimentN;
    sums.sentimentSum += sign * p.sentimentSum;
    sums.sentimentSumSq += sign * p.sentimentSumSq;
  };
  // Only the days that are judged, and the first days of their CUSUM spans, need their window statistics.
  const judged = series.map((p) => !detect.days || detect.days.has(p.day));
  const needed = judged.map((j, i) => j || judged.slice(i, i + o.cusum.days).some(Boolean));
  const stats: (WindowStats | null)[] = [];
  for (let i = 0; i < series.length; i++) {
    if (i > 0) enter(series[i - 1] as SignalDayPoint, 1);
    const leaving = i - 1 - o.baselineDays;
    if (leaving >= 0) enter(series[leaving] as SignalDayPoint, -1);
    if (!needed[i] || volumes.size < o.minBaselineDays) {
      stats.push(null);
      continue;
    }
    const median = volumes.median();
    const mad = volumes.mad(median);
    stats.push(
      completeWindow(
        {
          days: volumes.size,
          volumeMedian: median,
          volumeMad: mad,
          volumeTotal: sums.volume,
          volumeRate: inlierMean(volumes.values, median, mad),
          collectedMedian: collected.median(),
          collectedTotal: sums.collected,
          sentimentN: sums.sentimentN,
          sentimentSum: sums.sentimentSum,
          sentimentSumSq: sums.sentimentSumSq,
          weekdayFactor: [],
          weekdayDays: [],
          dispersion: 0,
          sentimentWithinVar: 0,
          sentimentBetweenVar: 0,
          sentimentConcentration: 0,
        },
        series.slice(Math.max(0, i - o.baselineDays), i),
      ),
    );
  }
  const findings: SwingFinding[] = [];
  for (let i = 0; i < series.length; i++) {
    if (judged[i]) findings.push(...judgeIndex(series, i, (j) => stats[j] ?? null, o));
  }
  return findings;
}

/**
 * The same detection with every window recomputed from scratch (slice, filter, sort, deviations, sort again).
 * Kept as the reference the incremental detector is tested against and as the benchmark's baseline.
 */
export function detectSwingsNaive(points: readonly SignalDayPoint[], detect: DetectOptions = {}): SwingFinding[] {
  const o = resolveSwingOptions(detect.options);
  const series = denseSeries(points);
  const statsAt = (j: number): WindowStats | null => {
    const window = series.slice(Math.max(0, j - o.baselineDays), j).filter((p) => p.collected > 0);
    return window.length < o.minBaselineDays ? null : windowStatsOf(window);
  };
  const findings: SwingFinding[] = [];
  for (let i = 0; i < series.length; i++) {
    if (detect.days && !detect.days.has((series[i] as SignalDayPoint).day)) continue;
    findings.push(...judgeIndex(series, i, statsAt, o));
  }
  return findings;
}
