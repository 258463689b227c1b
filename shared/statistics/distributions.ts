/**
 * The few distribution functions the decision tests need: Student's t (CDF and quantile, for cluster-robust
 * intervals with few clusters), the standard normal, binomial and negative-binomial tails. Hand-written rather than
 * taken from a statistics package on purpose: the smallest well-kept packages (@stdlib's t, binomial and negative
 * binomial CDFs) add ~190 KB minified to every bundle that imports them, and these functions sit under the
 * Analytics API's 250 KB cold-start budget (docs/architecture.md). Each is pinned against reference values in
 * test/unit/statistics/distributions.test.ts.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error < 1e-14). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const xx = x - 1;
  let a = c[0] as number;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(x, a, b)) / a
    : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df = ∞ gives the normal). */
export function tCdf(t: number, df: number): number {
  if (!Number.isFinite(df)) return normalCdf(t);
  if (Number.isNaN(t)) return Number.NaN;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** The t quantile: tQuantile(0.975, df) is the two-sided 95% critical value. Bisection on {@link tCdf}. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`tQuantile: p must be in (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  let lo = -1e6;
  let hi = 1e6;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Two-sided 95% critical value of t with `df` degrees of freedom, cached (df rounded down, below 1 treated as 1). */
const t95Cache = new Map<number, number>();
export function t95(df: number): number {
  if (!Number.isFinite(df) || df > 1000) return 1.959963984540054;
  const d = Math.max(1, Math.floor(df));
  let q = t95Cache.get(d);
  if (q === undefined) {
    q = tQuantile(0.975, d);
    t95Cache.set(d, q);
  }
  return q;
}

/** Standard normal CDF, from the complementary error function below (tails keep their relative precision). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Complementary error function (Numerical Recipes' Chebyshev fit `erfcc`; fractional error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed in log space. */
export function binomialUpper(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logC = (i: number) => logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1);
  let total = 0;
  for (let i = k; i <= n; i++) total += Math.exp(logC(i) + i * Math.log(p) + (n - i) * Math.log(1 - p));
  return Math.min(1, total);
}

/**
 * Tail of a count under a negative binomial with mean `mean` and variance `mean + alpha·mean²` (alpha = 0 is
 * Poisson): P(X ≥ k) (`upper`) or P(X ≤ k) (`lower`). Summed in log space from 0, so it is exact for the daily
 * counts of a brand's mentions; above 20,000 the normal approximation with the same variance is used.
 */
export function negativeBinomialTail(k: number, mean: number, alpha: number, side: 'upper' | 'lower'): number {
  const m = side === 'upper' ? k - 1 : k; // P(X ≤ m)
  if (m < 0) return side === 'upper' ? 1 : 0;
  if (!(mean > 0)) return side === 'upper' ? 0 : 1;
  if (m > 20_000) {
    const z = (m + 0.5 - mean) / Math.sqrt(mean + alpha * mean * mean);
    const cdf = normalCdf(z);
    return side === 'upper' ? Math.max(0, 1 - cdf) : Math.min(1, cdf);
  }
  let logTerm: number;
  let ratio: (i: number) => number;
  if (alpha <= 1e-9) {
    logTerm = -mean;
    ratio = (i) => mean / i;
  } else {
    const r = 1 / alpha;
    const q = r / (r + mean);
    logTerm = r * Math.log(q);
    ratio = (i) => ((i - 1 + r) / i) * (1 - q);
  }
  // Σ exp(logTerm_i) with a running maximum so neither underflow nor overflow loses the sum.
  let maxLog = logTerm;
  let scaled = 1;
  for (let i = 1; i <= m; i++) {
    logTerm += Math.log(ratio(i));
    if (logTerm > maxLog) {
      scaled = scaled * Math.exp(maxLog - logTerm) + 1;
      maxLog = logTerm;
    } else scaled += Math.exp(logTerm - maxLog);
  }
  const cdf = Math.min(1, Math.exp(maxLog + Math.log(scaled)));
  return side === 'upper' ? Math.max(0, 1 - cdf) : cdf;
}
