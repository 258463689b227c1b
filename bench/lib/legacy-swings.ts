/**
 * TODAY's swing detector, frozen for `npm run bench:decisions` (Poisson tail, all-days median, posts treated as
 * independent, no day-of-week factors). Kept callable so the bench measures old against new on the same series.
 * Not used by the product.
 *
 * Original header:
 * Swing detection on daily signal series (docs/signals.md). Pure: a series in, findings out, no I/O.
 *
 * For every evaluated day the detector compares the day with a trailing baseline of the `baselineDays` days
 * before it, counting only days on which the source was actually collecting (`collected > 0`), so an outage or
 * the weeks before a connector existed never look like "normal". Volume uses a robust centre and spread (median
 * and MAD, floored at the Poisson spread √median) because social volume has heavy tails; sentiment uses the pooled
 * per-post mean and its standard error, because a daily mean over n posts is only as precise as n allows.
 *
 * An alert needs all of: enough volume (`minVolume` / `minN`), an absolute change (`minAbsoluteChange`) AND a
 * relative one (`minRelativeChange` for volume; for sentiment, which lives on [-1, 1] where percentages are
 * meaningless near 0, `minZ` standard errors), and for volume a Poisson tail probability below `maxPValue`. A volume drop on a day when the collection itself dropped (the
 * connectors fetched less from the source, across all brands) is suppressed unless the brand's share of what was
 * collected dropped too: the silence is then in the collection, not in the conversation.
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

export interface VolumeThresholds {
  /** The larger of observed and baseline volume must reach this for any volume alert. @default 5 */
  minVolume: number;
  /** |observed − baseline| in signals. @default 5 */
  minAbsoluteChange: number;
  /** |observed − baseline| / baseline. @default 0.5 */
  minRelativeChange: number;
  /** |observed − baseline| / robust spread. @default 3.5 */
  minZ: number;
  /**
   * Poisson tail probability of a count at least this extreme given the window's mean daily volume: the test that
   * keeps small counts (news articles, a quiet brand) honest where a spread estimate from a few integers is not.
   * @default 0.0001
   */
  maxPValue: number;
}

export interface SentimentThresholds {
  /** Signals with a target sentiment on the day. @default 10 */
  minN: number;
  /** Signals with a target sentiment over the baseline window. @default 30 */
  minBaselineN: number;
  /** |observed mean − baseline mean| on the [-1, 1] scale. @default 0.2 */
  minAbsoluteChange: number;
  /** |observed mean − baseline mean| in standard errors of the difference. @default 4 */
  minZ: number;
}

export interface SwingDetectorOptions {
  /** Trailing window length in days. @default 28 */
  baselineDays: number;
  /** Collecting days the window needs before anything is judged. @default 14 */
  minBaselineDays: number;
  /** Collection below this fraction of its baseline median is a collection drop. @default 0.5 */
  collectionDropRatio: number;
  volume: VolumeThresholds;
  sentiment: SentimentThresholds;
}

export const DEFAULT_SWING_OPTIONS: SwingDetectorOptions = {
  baselineDays: 28,
  minBaselineDays: 14,
  collectionDropRatio: 0.5,
  volume: { minVolume: 5, minAbsoluteChange: 5, minRelativeChange: 0.5, minZ: 3.5, maxPValue: 0.0001 },
  sentiment: { minN: 10, minBaselineN: 30, minAbsoluteChange: 0.2, minZ: 4 },
};

export interface SwingBaseline {
  /** Collecting days in the window. */
  days: number;
  /** Volume: median daily volume; sentiment: pooled mean sentiment. */
  value: number;
  /** Volume: robust spread (max(1.4826·MAD, √median, 1)); sentiment: standard error of the difference. */
  spread: number;
  /** Volume: total signals in the window; sentiment: signals with a sentiment in the window. */
  n: number;
}

export interface SwingFinding {
  day: string;
  metric: SwingMetric;
  direction: SwingDirection;
  observed: { value: number; n: number };
  baseline: SwingBaseline;
  change: { absolute: number; relative: number | null; z: number };
  /** The thresholds the finding was judged with. */
  thresholds: VolumeThresholds | SentimentThresholds;
  /** Collection volume of the day and its baseline median (for the collection-drop rule). */
  collection: { observed: number; baseline: number };
  /** Set when the swing is real in the numbers but not alerted. */
  suppressed: 'collection_drop' | null;
  /** `critical` when the change is at least twice the z threshold. */
  severity: 'warning' | 'critical';
}

export interface DetectOptions {
  /** Only judge these days (default: every day that has a full enough baseline). */
  days?: ReadonlySet<string>;
  options?: Partial<Omit<SwingDetectorOptions, 'volume' | 'sentiment'>> & {
    volume?: Partial<VolumeThresholds>;
    sentiment?: Partial<SentimentThresholds>;
  };
}

const DAY_MS = 86_400_000;
/** Consistency constant: MAD × 1.4826 estimates σ for normal data. */
const MAD_SCALE = 1.4826;
/** A quiet series is treated as about one signal every other day, so a first handful is not "infinitely" unlikely. */
const MIN_POISSON_RATE = 0.5;

/**
 * P(X ≥ k) (`upper`) or P(X ≤ k) (`lower`) for X ~ Poisson(λ), summed in log space term by term (k stays small
 * where it matters; above λ = 200 the normal approximation with continuity correction is used).
 */
export function poissonTail(k: number, lambda: number, side: 'upper' | 'lower'): number {
  if (lambda > 200) {
    const zScore = side === 'upper' ? (k - 0.5 - lambda) / Math.sqrt(lambda) : (k + 0.5 - lambda) / Math.sqrt(lambda);
    return side === 'upper' ? normalUpper(zScore) : 1 - normalUpper(zScore);
  }
  // P(X ≤ m) for m = k (lower) or k − 1 (upper, as 1 − P(X ≤ k − 1)).
  const m = side === 'upper' ? k - 1 : k;
  if (m < 0) return side === 'upper' ? 1 : 0;
  let term = Math.exp(-lambda);
  let cdf = term;
  for (let i = 1; i <= m; i++) {
    term *= lambda / i;
    cdf += term;
  }
  return side === 'upper' ? Math.max(0, 1 - cdf) : Math.min(1, cdf);
}

/** Upper tail of the standard normal (Abramowitz–Stegun 7.1.26 via erfc). */
function normalUpper(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export const dayNumber = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
export const dayString = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

export function resolveSwingOptions(partial: DetectOptions['options'] = {}): SwingDetectorOptions {
  return {
    ...DEFAULT_SWING_OPTIONS,
    ...partial,
    volume: { ...DEFAULT_SWING_OPTIONS.volume, ...partial.volume },
    sentiment: { ...DEFAULT_SWING_OPTIONS.sentiment, ...partial.sentiment },
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

/**
 * Mean of the sorted values up to median + 3 robust spreads: the Poisson rate of a window, not inflated by the
 * spike days it may already contain (a swing lasting several days must not hide its own later days).
 */
function inlierMean(sorted: readonly number[], median: number, mad: number): number {
  const cutoff = median + 3 * Math.max(MAD_SCALE * mad, Math.sqrt(median), 1);
  let sum = 0;
  let n = 0;
  for (const x of sorted) {
    if (x > cutoff) break;
    sum += x;
    n++;
  }
  return n > 0 ? sum / n : 0;
}

function sortedMedian(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Baseline statistics of one window, whichever way they were computed (incremental or naive). */
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
}

/**
 * Judges one day against its window's statistics. Shared by the incremental detector and the naive reference
 * implementation, so the two differ only in how the window statistics are obtained.
 */
export function judgeDay(point: SignalDayPoint, w: WindowStats, o: SwingDetectorOptions): SwingFinding[] {
  if (w.days < o.minBaselineDays) return [];
  const findings: SwingFinding[] = [];
  const collection = { observed: point.collected, baseline: w.collectedMedian };
  const collectionDropped = w.collectedMedian > 0 && point.collected < o.collectionDropRatio * w.collectedMedian;

  // Volume
  const v = o.volume;
  const center = w.volumeMedian;
  const spread = Math.max(MAD_SCALE * w.volumeMad, Math.sqrt(center), 1);
  const delta = point.volume - center;
  const relative = center > 0 ? delta / center : null;
  const z = delta / spread;
  const bigEnough = Math.max(point.volume, center) >= v.minVolume;
  const relativeOk = relative === null ? delta > 0 : Math.abs(relative) >= v.minRelativeChange;
  const rate = Math.max(w.volumeRate, MIN_POISSON_RATE);
  if (
    bigEnough &&
    Math.abs(delta) >= v.minAbsoluteChange &&
    relativeOk &&
    Math.abs(z) >= v.minZ &&
    poissonTail(point.volume, rate, delta > 0 ? 'upper' : 'lower') <= v.maxPValue
  ) {
    let suppressed: SwingFinding['suppressed'] = null;
    if (delta < 0 && collectionDropped) {
      // Alert anyway only when the brand's share of what was collected fell by the relative threshold too.
      const baselineShare = w.collectedTotal > 0 ? w.volumeTotal / w.collectedTotal : 0;
      const share = point.collected > 0 ? point.volume / point.collected : 0;
      // ...by the relative threshold and beyond chance (a few posts out of a small collection vary a lot).
      const expected = point.collected * baselineShare;
      const shareFell =
        baselineShare > 0 &&
        point.collected > 0 &&
        share <= baselineShare * (1 - v.minRelativeChange) &&
        poissonTail(point.volume, expected, 'lower') <= v.maxPValue;
      if (!shareFell) suppressed = 'collection_drop';
    }
    findings.push({
      day: point.day,
      metric: 'volume',
      direction: delta > 0 ? 'up' : 'down',
      observed: { value: point.volume, n: point.volume },
      baseline: { days: w.days, value: center, spread, n: w.volumeTotal },
      change: { absolute: delta, relative, z },
      thresholds: v,
      collection,
      suppressed,
      severity: Math.abs(z) >= 2 * v.minZ ? 'critical' : 'warning',
    });
  }

  // Sentiment toward the brand
  const s = o.sentiment;
  if (point.sentimentN >= s.minN && w.sentimentN >= s.minBaselineN) {
    const baseMean = w.sentimentSum / w.sentimentN;
    const obsMean = point.sentimentSum / point.sentimentN;
    const variance = (w.sentimentSumSq - w.sentimentN * baseMean * baseMean) / Math.max(1, w.sentimentN - 1);
    // A floor on the per-post spread: a baseline of near-identical scores must not make every wobble "significant".
    const sd = Math.max(Math.sqrt(Math.max(0, variance)), 0.1);
    const se = sd * Math.sqrt(1 / point.sentimentN + 1 / w.sentimentN);
    const sDelta = obsMean - baseMean;
    const sz = sDelta / se;
    if (Math.abs(sDelta) >= s.minAbsoluteChange && Math.abs(sz) >= s.minZ) {
      findings.push({
        day: point.day,
        metric: 'sentiment',
        direction: sDelta > 0 ? 'up' : 'down',
        observed: { value: obsMean, n: point.sentimentN },
        baseline: { days: w.days, value: baseMean, spread: se, n: w.sentimentN },
        change: { absolute: sDelta, relative: null, z: sz },
        thresholds: s,
        collection,
        suppressed: null,
        severity: Math.abs(sz) >= 2 * s.minZ ? 'critical' : 'warning',
      });
    }
  }
  return findings;
}

/**
 * Finds the swings of one (brand, source) series. The window slides once over the dense series: sorted windows of
 * volume and collection are updated by one insert and one removal per day (O(w)) and sentiment sums by addition,
 * instead of re-sorting the whole window for every day.
 */
export function detectSwings(points: readonly SignalDayPoint[], detect: DetectOptions = {}): SwingFinding[] {
  const o = resolveSwingOptions(detect.options);
  const series = denseSeries(points);
  const volumes = new SortedWindow();
  const collected = new SortedWindow();
  const w: WindowStats = {
    days: 0,
    volumeMedian: 0,
    volumeMad: 0,
    volumeTotal: 0,
    volumeRate: 0,
    collectedMedian: 0,
    collectedTotal: 0,
    sentimentN: 0,
    sentimentSum: 0,
    sentimentSumSq: 0,
  };
  const enter = (p: SignalDayPoint, sign: 1 | -1) => {
    if (p.collected <= 0) return;
    if (sign > 0) {
      volumes.add(p.volume);
      collected.add(p.collected);
    } else {
      volumes.remove(p.volume);
      collected.remove(p.collected);
    }
    w.volumeTotal += sign * p.volume;
    w.collectedTotal += sign * p.collected;
    w.sentimentN += sign * p.sentimentN;
    w.sentimentSum += sign * p.sentimentSum;
    w.sentimentSumSq += sign * p.sentimentSumSq;
  };
  const findings: SwingFinding[] = [];
  for (let i = 0; i < series.length; i++) {
    const point = series[i] as SignalDayPoint;
    if (i > 0) enter(series[i - 1] as SignalDayPoint, 1);
    const leaving = i - 1 - o.baselineDays;
    if (leaving >= 0) enter(series[leaving] as SignalDayPoint, -1);
    if (detect.days && !detect.days.has(point.day)) continue;
    w.days = volumes.size;
    if (w.days < o.minBaselineDays) continue;
    w.volumeMedian = volumes.median();
    w.volumeMad = volumes.mad(w.volumeMedian);
    w.volumeRate = inlierMean(volumes.values, w.volumeMedian, w.volumeMad);
    w.collectedMedian = collected.median();
    findings.push(...judgeDay(point, w, o));
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
  const findings: SwingFinding[] = [];
  for (let i = 0; i < series.length; i++) {
    const point = series[i] as SignalDayPoint;
    if (detect.days && !detect.days.has(point.day)) continue;
    const window = series.slice(Math.max(0, i - o.baselineDays), i).filter((p) => p.collected > 0);
    if (window.length < o.minBaselineDays) continue;
    const vols = window.map((p) => p.volume).sort((a, b) => a - b);
    const median = sortedMedian(vols);
    const mad = sortedMedian(vols.map((x) => Math.abs(x - median)).sort((a, b) => a - b));
    const stats: WindowStats = {
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
    };
    findings.push(...judgeDay(point, stats, o));
  }
  return findings;
}
