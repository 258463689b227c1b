/**
 * Small-sample statistics for honest metrics: Wilson score intervals for proportions, Newcombe's hybrid score
 * interval for a difference of two proportions, and a normal interval for means.
 */

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
  /** 95% Wilson interval [low, high]; [0, 1] when n = 0 (nothing is known). */
  ci: [number, number];
}

/** A mean with its sample size and a 95% normal-approximation interval (null below n = 2). */
export interface MeanEstimate {
  n: number;
  value: number | null;
  sd: number | null;
  ci: [number, number] | null;
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
