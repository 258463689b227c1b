/**
 * Each test of the decision layer on a small example worked by hand (the arithmetic is in the comments; the
 * distribution values are the textbook ones, e.g. t(0.975, 3) = 3.182446, t(0.975, 6) = 2.446912).
 */
import { describe, expect, it } from 'vitest';
import { clusteredMean, clusteredProportion, wilson, wilsonDesign } from '#shared/analysis/stats.ts';
import { cusum } from '#shared/signals/swing-judge.ts';
import {
  benjaminiHochberg,
  clusteredRatio,
  mcnemarChiSquare,
  mcnemarExact,
  pairedDifferenceTest,
  taroneBenjaminiHochberg,
  welchDf,
} from '#shared/statistics/clustered.ts';
import { binomialUpper, negativeBinomialTail, t95, tCdf, tQuantile } from '#shared/statistics/distributions.ts';

describe('distributions', () => {
  it("Student's t: CDF and the 95% critical values", () => {
    expect(tCdf(2, 6)).toBeCloseTo(0.9537868, 6);
    expect(tCdf(-2, 6)).toBeCloseTo(1 - 0.9537868, 6);
    expect(tQuantile(0.975, 6)).toBeCloseTo(2.446912, 5);
    expect(t95(3)).toBeCloseTo(3.182446, 5);
    expect(t95(1e6)).toBeCloseTo(1.959964, 5);
  });

  it('binomial upper tail: P(X ≥ 9 | n = 10, ½) = (C(10,9) + C(10,10)) / 2^10 = 11/1024', () => {
    expect(binomialUpper(9, 10, 0.5)).toBeCloseTo(11 / 1024, 12);
    expect(binomialUpper(0, 10, 0.5)).toBe(1);
    expect(binomialUpper(11, 10, 0.5)).toBe(0);
  });

  it('negative binomial: mean 10, α = 0.5 (r = 2, q = r/(r + μ) = 1/6) against Poisson(10)', () => {
    // P(0) = q^r = 1/36; P(1) = r(1 − q)·P(0) = 2·(5/6)/36; P(X ≤ 1) = 1/36 + 10/216 = 16/216 = 0.074074.
    expect(negativeBinomialTail(1, 10, 0.5, 'lower')).toBeCloseTo(16 / 216, 12);
    expect(negativeBinomialTail(2, 10, 0.5, 'upper')).toBeCloseTo(1 - 16 / 216, 12);
    // α = 0 is Poisson: P(X ≤ 1) = e^−10 (1 + 10).
    expect(negativeBinomialTail(1, 10, 0, 'lower')).toBeCloseTo(11 * Math.exp(-10), 15);
  });

  it('the overdispersion-aware threshold: the smallest alerting count at p ≤ 1e-4 is 25 under Poisson(10), 64 under NB(10, α = 0.5)', () => {
    const threshold = (alpha: number) => {
      let k = 0;
      while (negativeBinomialTail(k, 10, alpha, 'upper') > 1e-4) k++;
      return k;
    };
    expect(threshold(0)).toBe(25);
    expect(threshold(0.5)).toBe(64);
    // 40 posts on a day that expects 10: a 1-in-10^12 day for Poisson, 1 in 190 for the overdispersed series.
    expect(negativeBinomialTail(40, 10, 0.5, 'upper')).toBeCloseTo(0.0052162, 6);
  });
});

describe('cluster-aware intervals', () => {
  it('Wilson with a design effect is the Wilson interval of the effective sample n/deff', () => {
    // k = 30, n = 100, deff = 2 → Wilson(15, 50): p = 0.3, z² = 3.8415, centre = (0.3 + z²/100)/(1 + z²/50) = 0.31427,
    // half = z·√(0.21/50 + z²/10000)/(1 + z²/50) = 0.12324.
    const [lo, hi] = wilsonDesign(30, 100, 2);
    expect(lo).toBeCloseTo(0.191036, 5);
    expect(hi).toBeCloseTo(0.437504, 5);
    expect(wilsonDesign(30, 100, 0.5)).toEqual(wilson(30, 100));
  });

  it('clustered proportion: cluster-robust variance, design effect and t(G − 1)', () => {
    // Days (k, n): (2,10) (8,10) (5,10) (5,10): p = 20/40 = 0.5; residuals k − p·n = −3, 3, 0, 0 → Σ = 18;
    // V = G/(G−1)·18/40² = 4/3·18/1600 = 0.015; binomial 0.25/40 = 0.00625 → deff = 2.4, n_eff = 16.67;
    // interval = Wilson(20/2.4, 40/2.4) at z = t(0.975, 3) = 3.1824.
    const p = clusteredProportion([
      { k: 2, n: 10 },
      { k: 8, n: 10 },
      { k: 5, n: 10 },
      { k: 5, n: 10 },
    ]);
    expect(p).toMatchObject({ k: 20, n: 40, value: 0.5, clusters: 4 });
    expect(p.deff).toBeCloseTo(2.4, 10);
    expect(p.nEffective).toBeCloseTo(40 / 2.4, 10);
    expect(p.ci[0]).toBeCloseTo(0.192598, 5);
    expect(p.ci[1]).toBeCloseTo(0.807402, 5);
    // Identical days carry no extra variance: deff is floored at 1 (never narrower than independent answers).
    expect(clusteredProportion([5, 5, 5, 5].map((k) => ({ k, n: 10 }))).deff).toBe(1);
  });

  it('clustered mean: robust standard error, never below the independent one', () => {
    // Days (n, Σx, Σx²): (5,1,1) (5,−1,1) (5,2,2) (5,0,0.4): mean = 2/20 = 0.1; residuals Σx − 0.1·5 = 0.5, −1.5,
    // 1.5, −0.5 → Σ² = 5; V = 4/3·5/400 → se = 0.12910; independent sd² = (4.4 − 20·0.01)/19 → se 0.10513;
    // half width = t(0.975, 3) × 0.12910 = 0.41085.
    const m = clusteredMean([
      { n: 5, sum: 1, sumSq: 1 },
      { n: 5, sum: -1, sumSq: 1 },
      { n: 5, sum: 2, sumSq: 2 },
      { n: 5, sum: 0, sumSq: 0.4 },
    ]);
    expect(m.value).toBeCloseTo(0.1, 12);
    expect(m.se).toBeCloseTo(Math.sqrt(((4 / 3) * 5) / 400), 12);
    expect(m.ci?.[1]).toBeCloseTo(0.1 + 0.4108521, 6);
    expect(clusteredRatio([{ n: 3, sum: 1 }])).toMatchObject({ clusters: 1, se: null });
  });
});

describe('paired and independent comparisons', () => {
  it('paired difference over days, floored at the independent-answers variance', () => {
    // Days (n, Σ(x − y)): (10,3) (10,1) (10,2) (10,2): D = 8/40 = 0.2; residuals 1, −1, 0, 0 → V = 4/3·2/1600,
    // se_robust = 0.0408; floor √(|D|(1 − |D|)/n) = √(0.16/40) = 0.0632 binds; t = 3.162 on 3 df → p = 0.02539.
    const test = pairedDifferenceTest(
      [
        { n: 10, sum: 3 },
        { n: 10, sum: 1 },
        { n: 10, sum: 2 },
        { n: 10, sum: 2 },
      ],
      'greater',
    );
    expect(test.estimate).toBeCloseTo(0.2, 12);
    expect(test.se).toBeCloseTo(Math.sqrt(0.004), 12);
    expect(test.df).toBe(3);
    expect(test.p).toBeCloseTo(0.0253909, 5);
  });

  it('McNemar: 9 prompts for the competitor only, 1 for the brand only', () => {
    // Exact: P(B ≥ 9 | 10, ½) = 11/1024; two-sided twice that; χ² = (9 − 1)²/10 = 6.4.
    expect(mcnemarExact(9, 1).oneSided).toBeCloseTo(11 / 1024, 12);
    expect(mcnemarExact(9, 1).twoSided).toBeCloseTo(22 / 1024, 12);
    expect(mcnemarChiSquare(9, 1)).toBeCloseTo(6.4, 12);
    // Four prompts, all one way: 1/16 = 0.0625 — never a discovery among many tests.
    expect(mcnemarExact(4, 0).oneSided).toBeCloseTo(0.0625, 12);
  });

  it('Welch–Satterthwaite degrees of freedom', () => {
    // (0.1² + 0.2²)² / (0.1⁴/3 + 0.2⁴/6) = 0.0025 / 0.0003 = 8.333.
    expect(welchDf(0.1, 3, 0.2, 6)).toBeCloseTo(25 / 3, 10);
  });
});

describe('false discovery control', () => {
  it('Benjamini–Hochberg step-up at q = 0.05', () => {
    // m = 4, thresholds k·q/m = 0.0125, 0.025, 0.0375, 0.05.
    expect(benjaminiHochberg([0.01, 0.02, 0.03, 0.2], 0.05)).toEqual([true, true, true, false]);
    // Step-up: the largest rank under its threshold carries all smaller ones (0.04 > 0.0125 is still rejected).
    expect(benjaminiHochberg([0.043, 0.04, 0.042, 0.041], 0.05)).toEqual([true, true, true, true]);
    expect(benjaminiHochberg([0.02, 0.03, 0.04, 0.06], 0.05)).toEqual([false, false, false, false]);
    expect(benjaminiHochberg([], 0.05)).toEqual([]);
  });

  it('Tarone–BH: discrete tests that could never pass do not dilute the others', () => {
    // Two continuous tests (p 0.001, 0.04) and four exact McNemar tests on 4 discordant prompts each (smallest
    // attainable p 0.5^4 = 0.0625), q = 0.1. Plain BH over m = 6: thresholds 0.0167, 0.0333, …: only 0.001 passes.
    const p = [0.001, 0.04, 0.5, 0.5, 0.3, 0.6];
    const minP = [0, 0, 0.0625, 0.0625, 0.0625, 0.0625];
    expect(benjaminiHochberg(p, 0.1)).toEqual([true, false, false, false, false, false]);
    // K = 1: 6 tests can reach 0.1 (> 1); K = 2: 2 tests can reach 0.05 (≤ 2). BH over those 2 with m = 2:
    // thresholds 0.05, 0.1; 0.04 ≤ 0.1 passes too.
    expect(taroneBenjaminiHochberg(p, minP, 0.1)).toEqual([true, true, false, false, false, false]);
    // All continuous: plain BH.
    expect(taroneBenjaminiHochberg(p, [0, 0, 0, 0, 0, 0], 0.1)).toEqual(benjaminiHochberg(p, 0.1));
    // A discrete test that can reach its threshold still counts: 10 discordant prompts, all one side (p = 2^-10).
    expect(taroneBenjaminiHochberg([0.5 ** 10, 0.2], [0.5 ** 10, 0], 0.1)).toEqual([true, false]);
    expect(taroneBenjaminiHochberg([], [], 0.1)).toEqual([]);
  });
});

describe('CUSUM', () => {
  it('accumulates residuals beyond k and resets at zero', () => {
    // Upper: max(0, S + z − 0.5): 0.5, 2, 0.5, 3, 3. Lower: max(0, S − z − 0.5): 0, 0, 0.5, 0, 0.
    const { upper, lower } = cusum([1, 2, -1, 3, 0.5], 0.5);
    expect(upper).toEqual([0.5, 2, 0.5, 3, 3]);
    expect(lower).toEqual([0, 0, 0.5, 0, 0]);
    // A missing day (null) leaves the paths as they are.
    expect(cusum([2, null, 2], 0.5).upper).toEqual([1.5, 1.5, 3]);
  });
});
