/**
 * Synthetic daily signal series with known, planted swings: the ground truth for the detector's precision/recall
 * tests and its benchmark. Deterministic (seeded), so a failure reproduces.
 */
import { dayString, type SignalDayPoint } from '../../../shared/signals/swing-detector.ts';

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function poisson(random: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

export type PlantKind =
  | 'volume-spike'
  | 'volume-drop'
  | 'sentiment-drop'
  | 'sentiment-rise'
  | 'collection-drop'
  /** ×2: doubling a handful of posts is not a swing. */
  | 'volume-bump';

export interface Plant {
  dayIndex: number;
  kind: PlantKind;
}

export interface SeriesSpec {
  /** Mean daily signals about the brand. */
  lambda: number;
  /** Mean sentiment toward the brand of one signal. */
  sentimentMean: number;
  days: number;
  plants: Plant[];
  /** Other brands' share: collection = brand volume + Poisson(lambda × otherBrands). @default 2 */
  otherBrands?: number;
  startDay?: string;
  /** Caps each day's brand volume (a series that never reaches the detector's minimum volume). */
  maxVolume?: number;
}

const START = Date.parse('2026-01-01T00:00:00Z') / 86_400_000;

/**
 * One series: Poisson volumes with a weekly rhythm (weekends at 80%), per-post sentiment N(mean, 0.35) clipped to
 * [-1, 1] on 80% of posts, the rest of the source's collection from other brands. Plants change one day:
 * spike ×3, drop ×0.2 (collection unchanged), sentiment ∓0.45, or a collection drop (every brand ×0.2).
 */
export function generateSeries(spec: SeriesSpec, random: () => number): SignalDayPoint[] {
  const start = spec.startDay ? Date.parse(`${spec.startDay}T00:00:00Z`) / 86_400_000 : START;
  const other = spec.otherBrands ?? 2;
  const out: SignalDayPoint[] = [];
  for (let i = 0; i < spec.days; i++) {
    const plant = spec.plants.find((p) => p.dayIndex === i)?.kind;
    const weekday = (start + i + 4) % 7; // 1970-01-01 was a Thursday
    const rhythm = weekday === 0 || weekday === 6 ? 0.8 : 1.05;
    let lambda = spec.lambda * rhythm;
    let otherLambda = spec.lambda * other * rhythm;
    let mean = spec.sentimentMean;
    if (plant === 'volume-spike') lambda *= 3;
    if (plant === 'volume-bump') lambda *= 2;
    if (plant === 'volume-drop') lambda *= 0.2;
    if (plant === 'collection-drop') {
      lambda *= 0.2;
      otherLambda *= 0.2;
    }
    if (plant === 'sentiment-drop') mean -= 0.45;
    if (plant === 'sentiment-rise') mean += 0.45;
    const volume = Math.min(poisson(random, lambda), spec.maxVolume ?? Number.POSITIVE_INFINITY);
    let sentimentN = 0;
    let sentimentSum = 0;
    let sentimentSumSq = 0;
    for (let k = 0; k < volume; k++) {
      if (random() >= 0.8) continue;
      const s = Math.max(-1, Math.min(1, mean + 0.35 * normal(random)));
      sentimentN++;
      sentimentSum += s;
      sentimentSumSq += s * s;
    }
    out.push({
      day: dayString(start + i),
      volume,
      collected: volume + poisson(random, otherLambda),
      sentimentN,
      sentimentSum,
      sentimentSumSq,
    });
  }
  return out;
}
