/**
 * The one interval of the Analytics API, the web and the action engine (`clusteredProportion`, `clusteredMean`) on
 * small examples worked by hand, and the per-prompt rollup counters it reads its clusters from.
 */
import { describe, expect, it } from 'vitest';
import { clusteredMean, clusteredProportion, wilson, wilsonDesign } from '#shared/analysis/stats.ts';
import {
  answerCounters,
  cellClusters,
  chunkRollupEntries,
  itemCounters,
  MAX_COUNTERS_PER_UPDATE,
  mergeRollupEntries,
  metricsFromRollups,
  rollupEntry,
  sumCounters,
} from '#shared/events/rollups.ts';
import type { AnswerAnalyzedEvent } from '#shared/events/schemas.ts';
import { nestedClusteredRatio } from '#shared/statistics/clustered.ts';
import { t95 } from '#shared/statistics/distributions.ts';
import { corpusEvents } from '../events/fixtures.ts';

describe('nested clusters (prompt runs within provider-days)', () => {
  it('no group-level shock: the fine-cluster variance is used', () => {
    // Runs (k/n): A: 2/3, 1/3; B: 0/3, 3/3. R = 6/12 = ½. Fine residuals k − R·n: ½, −½, −1½, 1½ → Σ² = 5;
    // se = √(4/3 · 5)/12 = 0.215166. Groups A: 3/6, B: 3/6 → residuals 0: the group variance is 0 < fine.
    const r = nestedClusteredRatio([
      { group: 'A', n: 3, sum: 2 },
      { group: 'A', n: 3, sum: 1 },
      { group: 'B', n: 3, sum: 0 },
      { group: 'B', n: 3, sum: 3 },
    ]);
    expect(r.se).toBeCloseTo(Math.sqrt((4 / 3) * 5) / 12, 12);
    expect(r.df).toBe(3);
    expect(r.clusters).toBe(4);
  });

  it('a shock shared by a group: the group variance is larger and is used, at its own degrees of freedom', () => {
    // Runs: A: 3/3, 2/3; B: 0/3, 1/3. Fine Σ² = 1.5² + .5² + 1.5² + .5² = 5 (se 0.2152). Groups: A 5/6, B 1/6 →
    // residuals ±2 → se = √(2/1 · 8)/12 = 1/3; df = 2 − 1 = 1.
    const cells = [
      { group: 'A', k: 3, n: 3 },
      { group: 'A', k: 2, n: 3 },
      { group: 'B', k: 0, n: 3 },
      { group: 'B', k: 1, n: 3 },
    ];
    const r = nestedClusteredRatio(cells.map((c) => ({ group: c.group, n: c.n, sum: c.k })));
    expect(r.se).toBeCloseTo(1 / 3, 12);
    expect(r.df).toBe(1);
    // deff = (1/9) / (¼ / 12) = 16/3; interval = Wilson of 6/(16/3) of 12/(16/3) at t(1) = 12.706.
    const p = clusteredProportion(cells);
    expect(p.deff).toBeCloseTo(16 / 3, 10);
    expect(p.ci).toEqual(wilsonDesign(6, 12, 16 / 3, t95(1)));
    expect(t95(1)).toBeCloseTo(12.7062, 3);
  });

  it('no excess variance (deff = 1): the plain Wilson interval at z, not a wider t one', () => {
    // Runs 1/2, 1/2, 1/2, 1/2: every residual is 0, deff = 1.
    const p = clusteredProportion(Array.from({ length: 4 }, () => ({ k: 1, n: 2 })));
    expect(p.deff).toBe(1);
    expect(p.ci).toEqual(wilson(4, 8));
  });

  it('a mean nested in days takes the day variance when news moves every prompt of a day', () => {
    // Prompt runs (n, Σx): day 1: (2, 1.0), (2, 0.8); day 2: (2, −0.8), (2, −1.0). Mean = 0/8 = 0.
    // Fine residuals: 1.0, 0.8, −0.8, −1.0 → Σ² = 3.28, se = √(4/3 · 3.28)/8 = 0.26141.
    // Days: 1.8, −1.8 → Σ² = 6.48, se = √(2 · 6.48)/8 = 0.45; df 1. Σx² = 4 × 0.41 = 1.64 → iid sd = √(1.64/7),
    // iid se = 0.17113 < 0.45: the interval is 0 ± t(1) · 0.45.
    const m = clusteredMean(
      [
        { group: 'd1', n: 2, sum: 1.0 },
        { group: 'd1', n: 2, sum: 0.8 },
        { group: 'd2', n: 2, sum: -0.8 },
        { group: 'd2', n: 2, sum: -1.0 },
      ],
      1.64,
    );
    expect(m.se).toBeCloseTo(0.45, 10);
    expect(m.ci?.[1]).toBeCloseTo(t95(1) * 0.45, 8);
  });
});

describe('per-prompt rollup counters', () => {
  const { events, brandId } = corpusEvents();

  it('an answer adds its prompt counters to its cell, and a brand total does not keep them', () => {
    const event = events[0] as AnswerAnalyzedEvent;
    const counters = answerCounters(event.data);
    const pid = event.data.prompt.id;
    expect(counters[`p#${pid}#n`]).toBe(1);
    const brand = event.data.entities[0];
    if (brand?.mentioned) expect(counters[`p#${pid}#${brand.entityId}#m`]).toBe(1);
    const items = mergeRollupEntries([rollupEntry(event) as NonNullable<ReturnType<typeof rollupEntry>>]);
    for (const item of items) {
      const stored = itemCounters(item);
      expect(Object.keys(stored).some((k) => k.startsWith('p#'))).toBe(item.dims !== null);
      expect(stored.n).toBe(1);
    }
  });

  it('per-prompt counters add up to the answer counters they split', () => {
    const sums = sumCounters(events.map((e) => answerCounters(e.data)));
    const perPrompt = (suffix: string) =>
      Object.entries(sums)
        .filter(([k]) => k.startsWith('p#') && k.endsWith(suffix) && k.split('#').length === (suffix === '#n' ? 3 : 4))
        .reduce((a, [, v]) => a + v, 0);
    expect(perPrompt('#n')).toBe(sums.n);
    expect(perPrompt(`#${brandId}#m`)).toBe(sums[`e#${brandId}#m`] ?? 0);
    expect(perPrompt(`#${brandId}#sN`)).toBe(sums[`e#${brandId}#sN`] ?? 0);
  });

  it('the metrics reader clusters by prompt run when cells are kept apart, and says so', () => {
    const cells = events.map((e) => ({
      period: e.data.answeredAt.slice(0, 10),
      dims: { provider: e.data.provider },
      counters: answerCounters(e.data),
    }));
    const clustered = metricsFromRollups(sumCounters(cells.map(cellClusters)), { brandId });
    const plain = metricsFromRollups(
      Object.fromEntries(
        Object.entries(sumCounters(cells.map((c) => c.counters))).filter(([k]) => !k.startsWith('p#')),
      ),
      { brandId },
    );
    expect(clustered.brand.mentionRate.k).toBe(plain.brand.mentionRate.k);
    expect(plain.brand.mentionRate.clusters).toBe(0);
    expect(clustered.brand.mentionRate.clusters).toBeGreaterThan(1);
    expect(plain.brand.mentionRate.ci).toEqual(wilson(plain.brand.mentionRate.k, plain.brand.mentionRate.n));
  });

  it('a batch is cut so that no merged cell exceeds the counters one DynamoDB update may add', () => {
    const entries = events.map((e) => rollupEntry(e) as NonNullable<ReturnType<typeof rollupEntry>>);
    for (const chunk of chunkRollupEntries(entries, 100))
      for (const item of mergeRollupEntries(chunk))
        expect(Object.keys(itemCounters(item)).length).toBeLessThanOrEqual(MAX_COUNTERS_PER_UPDATE);
  });
});
