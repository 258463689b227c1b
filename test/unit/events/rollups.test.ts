import { describe, expect, it } from 'vitest';
import { computeMetrics, type EntityMetrics, type MetricsReport } from '../../../shared/analysis/metrics.ts';
import { metricsFromRollups, rollupDelta, sumCounters } from '../../../shared/events/rollups.ts';
import { readBrandMetrics } from '../../../shared/use-cases/aggregate.ts';
import { corpusEvents, TENANT } from './fixtures.ts';
import { MemoryRollupStore } from './memory-rollup-store.ts';

function expectEntityClose(actual: EntityMetrics, expected: EntityMetrics) {
  expect(actual.entityId).toBe(expected.entityId);
  for (const key of ['mentionRate', 'citationShare', 'citationConsistency'] as const) {
    expect(actual[key].k).toBe(expected[key].k);
    expect(actual[key].n).toBe(expected[key].n);
    // Per-prompt counters make the interval the clustered one (never narrower than Wilson); without them, Wilson.
    if (!actual[key].clusters) expect(actual[key].ci).toEqual(expected[key].ci);
    else {
      const width = (ci: readonly number[]) => (ci[1] as number) - (ci[0] as number);
      expect(width(actual[key].ci)).toBeGreaterThanOrEqual(width(expected[key].ci) - 1e-12);
    }
  }
  expect(actual.shareOfVoice?.k).toBe(expected.shareOfVoice?.k);
  expect(actual.shareOfVoice?.n).toBe(expected.shareOfVoice?.n);
  for (const key of ['averagePosition', 'sentiment', 'answerSentiment'] as const) {
    expect(actual[key].n).toBe(expected[key].n);
    if (expected[key].value === null) expect(actual[key].value).toBeNull();
    else expect(actual[key].value).toBeCloseTo(expected[key].value as number, 6);
    if (expected[key].sd !== null) expect(actual[key].sd).toBeCloseTo(expected[key].sd as number, 5);
  }
  if (expected.positionAdjustedWordCount === null) expect(actual.positionAdjustedWordCount).toBeNull();
  else expect(actual.positionAdjustedWordCount).toBeCloseTo(expected.positionAdjustedWordCount, 6);
  expect(actual.visibilityScore.value).toBeCloseTo(expected.visibilityScore.value, 1);
}

function expectReportClose(actual: MetricsReport, expected: MetricsReport) {
  expect(actual.n).toBe(expected.n);
  expect(actual.shareOfVoiceN).toBe(expected.shareOfVoiceN);
  expectEntityClose(actual.brand, expected.brand);
  expect(actual.competitors.map((c) => c.entityId).sort()).toEqual(expected.competitors.map((c) => c.entityId).sort());
  for (const c of expected.competitors) {
    const found = actual.competitors.find((a) => a.entityId === c.entityId);
    if (!found) throw new Error(`missing ${c.entityId}`);
    expectEntityClose(found, c);
  }
}

describe('rollup math', () => {
  const { events, answers, brandId } = corpusEvents();
  const competitorIds = [...new Set(answers.flatMap((a) => a.analysis.entities.map((e) => e.entityId)))].filter(
    (id) => id !== brandId,
  );

  it('metrics read from summed counters equal computeMetrics over the analyses themselves (both SoV scopes)', () => {
    const counters = sumCounters(events.map((e) => rollupDelta(e)?.counters ?? {}));
    for (const scope of ['non-branded', 'all'] as const) {
      const options = { brandId, competitorIds, shareOfVoiceScope: scope };
      expectReportClose(metricsFromRollups(counters, options), computeMetrics(answers, options));
    }
    expect(
      metricsFromRollups(counters, { brandId })
        .competitors.map((c) => c.entityId)
        .sort(),
    ).toEqual([...competitorIds].sort());
  });

  it('filtered reads (provider, day) from the store equal a recomputation over the matching answers', async () => {
    const store = new MemoryRollupStore();
    for (const event of events) {
      const delta = rollupDelta(event);
      if (delta) await store.apply(event.id, delta);
    }
    const options = { brandId, competitorIds };
    const all = await readBrandMetrics(
      { rollups: store },
      { tenantId: TENANT, from: '2025-03-01', to: '2025-03-02', ...options },
    );
    expectReportClose(all, computeMetrics(answers, options));
    const openai = await readBrandMetrics(
      { rollups: store },
      { tenantId: TENANT, from: '2025-03-02', to: '2025-03-02', filter: { provider: 'openai' }, ...options },
    );
    expectReportClose(
      openai,
      computeMetrics(
        answers.filter((a) => a.provider === 'openai' && a.day === '2025-03-02'),
        options,
      ),
    );
    const empty = await readBrandMetrics(
      { rollups: store },
      { tenantId: TENANT, from: '2024-01-01', to: '2024-01-31', ...options },
    );
    expect(empty.n).toBe(0);
    expect(empty.brand.mentionRate).toMatchObject({ k: 0, n: 0, value: null, ci: [0, 1] });
  });
});
