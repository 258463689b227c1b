import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanEstimate, proportion, wilson, wilsonDesign } from '../../shared/analysis/stats.ts';
import type { PromptEntityRow } from '../../shared/contracts/analytics.ts';
import type { DrilldownMention } from '../../shared/contracts/drilldown.ts';
import type { EntityMetricsView } from '../../shared/contracts/index.ts';
import { t95 } from '../../shared/statistics/distributions.ts';
import {
  chartDomain,
  intervalData,
  sparklineData,
  sparklineSummary,
} from '../../web/src/features/analytics/charts.tsx';
import { drilldownCsv } from '../../web/src/features/analytics/drilldown.tsx';
import { buildHeatmap, heatColors, sortHeatRows } from '../../web/src/features/analytics/heatmap-model.ts';
import { highlightSegments, sentimentWord } from '../../web/src/features/analytics/highlight.ts';
import { isSettling, latestFinish, SETTLE_WINDOW_MS } from '../../web/src/features/analytics/live-settle.ts';
import { compareMetrics, metricSpec } from '../../web/src/features/analytics/metrics-model.ts';
import { dailyPoints, splitDailyRates, trendNoise } from '../../web/src/features/analytics/warehouse.tsx';

const mention = (
  start: number,
  end: number,
  text: string,
  kind: 'brand' | 'competitor' = 'brand',
): DrilldownMention => ({
  entityId: kind === 'brand' ? 'brd_1' : 'cmp_1',
  kind,
  start,
  end,
  text: text.slice(start, end),
  via: 'text',
  sentiment: 0.3,
});

describe('highlightSegments (drill-down highlighting)', () => {
  it('splits the text at the mention offsets and puts it back together unchanged', () => {
    const text = 'Acme Analytics beats Northwind Insights on funnels; Acme is cheaper.';
    const mentions = [mention(21, 39, text, 'competitor'), mention(0, 14, text), mention(52, 56, text)];
    const segments = highlightSegments(text, mentions);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.mention).map((s) => [s.text, s.mention?.kind])).toEqual([
      ['Acme Analytics', 'brand'],
      ['Northwind Insights', 'competitor'],
      ['Acme', 'brand'],
    ]);
    for (const s of segments) expect(text.slice(s.start, s.start + s.text.length)).toBe(s.text);
  });

  it('uses UTF-16 offsets (emoji and accents before a mention) like the analysis engine', () => {
    const text = '👍 Café-Tipp: Acme ist gut';
    const start = text.indexOf('Acme');
    const segments = highlightSegments(text, [mention(start, start + 4, text)]);
    expect(segments.find((s) => s.mention)?.text).toBe('Acme');
  });

  it('skips overlapping, empty and out-of-range spans instead of duplicating or dropping text', () => {
    const text = 'Acme Analytics and Globex';
    const bad = [
      mention(0, 14, text),
      { ...mention(5, 14, text), text: 'Analytics' },
      { ...mention(3, 3, text), text: '' },
      { ...mention(19, 40, text), text: 'Globex' },
    ];
    const segments = highlightSegments(text, bad);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.mention)).toHaveLength(1);
  });

  it('always reproduces the text, whatever the offsets (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 90 }), fc.integer({ min: -5, max: 90 })), { maxLength: 8 }),
        (text, spans) => {
          const mentions = spans.map(([a, b]) => ({ ...mention(0, 0, text), start: a, end: b, text: '' }));
          const segments = highlightSegments(text, mentions);
          expect(segments.map((s) => s.text).join('')).toBe(text);
        },
      ),
    );
  });

  it('names sentiment with the engine’s thresholds', () => {
    expect([0.3, 0.05, 0.01, -0.04, -0.05, null].map(sentimentWord)).toEqual([
      'positive',
      'positive',
      'neutral',
      'neutral',
      'negative',
      'not mentioned',
    ]);
  });
});

describe('buildHeatmap (prompts × competitors)', () => {
  const brand = {
    id: 'brd_a',
    name: 'Acme',
    competitors: [
      { id: 'cmp_n', name: 'Northwind' },
      { id: 'cmp_g', name: 'Globex' },
    ],
  };
  const row = (promptId: string, entityId: string, answers: number, mentioned: number): PromptEntityRow => ({
    promptId,
    entityId,
    kind: entityId === 'brd_a' ? 'brand' : 'competitor',
    answers,
    mentioned,
  });
  const rows = [
    row('prm_1', 'brd_a', 40, 36),
    row('prm_1', 'cmp_n', 40, 4),
    row('prm_1', 'cmp_g', 40, 2),
    row('prm_2', 'brd_a', 40, 2),
    row('prm_2', 'cmp_n', 40, 30),
    row('prm_2', 'cmp_g', 40, 5),
    // A competitor added after these answers: no row for it.
    row('prm_3', 'brd_a', 3, 1),
    row('prm_3', 'cmp_n', 3, 2),
  ];
  const texts = new Map([
    ['prm_1', 'best analytics tool'],
    ['prm_2', 'best funnels'],
  ]);

  it('has the brand first, one denominator per prompt and a Wilson interval per cell', () => {
    const map = buildHeatmap(rows, brand, texts);
    expect(map.columns.map((c) => c.name)).toEqual(['Acme', 'Northwind', 'Globex']);
    const first = map.rows.find((r) => r.promptId === 'prm_1');
    expect(first?.prompt).toBe('best analytics tool');
    expect(first?.answers).toBe(40);
    expect(first?.cells.map((c) => c.rate)).toEqual([0.9, 0.1, 0.05]);
    expect(first?.cells[0]?.ci).toEqual(wilson(36, 40));
    // With the scope's design effect (the metrics API's), the cell's interval is the design-effect Wilson one:
    // 36/40 at deff 2 is the Wilson interval of 18/20.
    const clustered = buildHeatmap(rows, brand, texts, 2).rows.find((r) => r.promptId === 'prm_1');
    expect(clustered?.cells[0]?.ci).toEqual(wilson(18, 20));
    const third = map.rows.find((r) => r.promptId === 'prm_3');
    expect(third?.prompt).toBe('Prompt no longer in the current set');
    expect(third?.cells[2]).toEqual({ entityId: 'cmp_g', mentioned: null, rate: null, ci: null });
  });

  it('computes the gap to the best competitor and whether it is outside the noise', () => {
    const map = buildHeatmap(rows, brand, texts);
    const byId = new Map(map.rows.map((r) => [r.promptId, r]));
    expect(byId.get('prm_1')?.gap).toBeCloseTo(0.8);
    expect(byId.get('prm_1')?.gapSignificant).toBe(true);
    expect(byId.get('prm_2')?.gap).toBeCloseTo(-0.7);
    expect(byId.get('prm_2')?.gapSignificant).toBe(true);
    // 1 of 3 vs 2 of 3: wide intervals overlap.
    expect(byId.get('prm_3')?.gap).toBeCloseTo(-1 / 3);
    expect(byId.get('prm_3')?.gapSignificant).toBe(false);
    // Default order: where the brand trails most first.
    expect(map.rows.map((r) => r.promptId)).toEqual(['prm_2', 'prm_3', 'prm_1']);
  });

  it('sorts by any column with empty cells last in both directions', () => {
    const map = buildHeatmap(rows, brand, texts);
    const up = sortHeatRows(map.rows, { key: 'entity:cmp_g', dir: 'ascending' }).map((r) => r.promptId);
    const down = sortHeatRows(map.rows, { key: 'entity:cmp_g', dir: 'descending' }).map((r) => r.promptId);
    expect(up).toEqual(['prm_1', 'prm_2', 'prm_3']);
    expect(down).toEqual(['prm_2', 'prm_1', 'prm_3']);
    expect(sortHeatRows(map.rows, { key: 'answers', dir: 'ascending' })[0]?.promptId).toBe('prm_3');
  });

  it('colours cells darker for higher rates and keeps the text readable', () => {
    expect(heatColors(null, 'brand').background).toBe('transparent');
    const light = heatColors(0.05, 'competitor');
    const dark = heatColors(0.95, 'competitor');
    expect(light.color).toBe('#1a1a1a');
    expect(dark.color).toBe('#fff');
    const lightness = (c: string) => Number(/(\d+)%\)$/.exec(c)?.[1]);
    expect(lightness(dark.background)).toBeLessThan(lightness(light.background));
    expect(heatColors(0.5, 'brand').background).not.toBe(heatColors(0.5, 'competitor').background);
  });
});

describe('chart data (recharts)', () => {
  const spec = metricSpec('mentionRate');
  it('turns intervals into error-bar distances and leaves undefined intervals without a bar', () => {
    const data = intervalData([
      {
        id: 'a',
        label: 'Acme',
        reading: { value: 0.4, n: 50, nLabel: 'answers', ci: [0.27, 0.55], k: 20 },
        highlight: true,
      },
      {
        id: 'b',
        label: 'A very long competitor name that will not fit',
        reading: { value: null, n: 0, nLabel: 'answers', ci: null, k: 0 },
      },
    ]);
    expect(data[0]?.error?.[0]).toBeCloseTo(0.13);
    expect(data[0]?.error?.[1]).toBeCloseTo(0.15);
    expect(data[0]?.highlight).toBe(true);
    expect(data[1]?.error).toBeNull();
    expect(data[1]?.label.length).toBeLessThanOrEqual(24);
  });

  it('scales average position from 1 to the worst rank seen', () => {
    const position = metricSpec('averagePosition');
    expect(chartDomain(spec, [])).toEqual([0, 1]);
    expect(
      chartDomain(position, [
        { id: 'a', label: 'a', reading: { value: 2.2, n: 9, nLabel: '', ci: [1.4, 4.6], k: null } },
      ]),
    ).toEqual([1, 5]);
  });

  it('fills every day of the period and counts the days inside the period’s noise band', () => {
    const points = dailyPoints(
      [
        {
          day: '2026-11-01',
          provider: 'openai',
          surface: 'api',
          answers: 10,
          brandMentioned: 5,
          meanRank: 1,
          meanSentiment: 0,
        },
        {
          day: '2026-11-01',
          provider: 'gemini',
          surface: 'api',
          answers: 10,
          brandMentioned: 5,
          meanRank: 1,
          meanSentiment: 0,
        },
        {
          day: '2026-11-03',
          provider: 'openai',
          surface: 'api',
          answers: 20,
          brandMentioned: 0,
          meanRank: null,
          meanSentiment: null,
        },
      ],
      { from: '2026-11-01', to: '2026-11-04' },
    );
    expect(points.map((p) => [p.day, p.answers, p.rate])).toEqual([
      ['2026-11-01', 20, 0.5],
      ['2026-11-02', 0, null],
      ['2026-11-03', 20, 0],
      ['2026-11-04', 0, null],
    ]);
    // Each day's interval borrows the period's design effect over its provider-days (the rows): 5/10, 5/10, 0/20,
    // R = ¼, residuals 2.5, 2.5, −5 → Σ² = 37.5, se = √(3/2 · 37.5)/40 = 0.1875, deff = 0.1875² / (¼·¾/40) = 7.5.
    expect(points[0]?.ci?.[0]).toBeCloseTo(wilsonDesign(10, 20, 7.5)[0], 10);
    expect(points[0]?.ci?.[1]).toBeCloseTo(wilsonDesign(10, 20, 7.5)[1], 10);
    const noise = trendNoise(points);
    // The band is clustered by day: 10/20 and 0/20, R = ¼, residuals ±5 → se = √(2 · 50)/40 = ¼,
    // deff = (1/16) / (3/640) = 40/3, at t(1): two days that disagree this much say little about the period.
    const band = wilsonDesign(10, 40, 40 / 3, t95(1));
    expect(noise.band?.[0]).toBeCloseTo(band[0], 10);
    expect(noise.band?.[1]).toBeCloseTo(band[1], 10);
    expect(noise.withData).toBe(2);
    // Both days' intervals overlap the period's band: both inside the noise.
    expect(noise.inside).toBe(2);
  });
});

describe('splitDailyRates (trend per provider / surface)', () => {
  it('gives each provider its own daily rate over the same days, null where it had no answers', () => {
    const row = (day: string, provider: string, surface: string, answers: number, brandMentioned: number) => ({
      day,
      provider,
      surface,
      answers,
      brandMentioned,
      meanRank: null,
      meanSentiment: null,
    });
    const rows = [
      row('2026-11-01', 'openai', 'api', 4, 1),
      row('2026-11-01', 'openai', 'api_web_search', 4, 3),
      row('2026-11-01', 'gemini', 'api', 5, 5),
      row('2026-11-02', 'gemini', 'api', 2, 0),
    ];
    const period = { from: '2026-11-01', to: '2026-11-03' };
    const byProvider = splitDailyRates(rows, period, 'provider');
    expect(byProvider.keys).toEqual(['gemini', 'openai']);
    expect(byProvider.data).toEqual([
      { day: '2026-11-01', gemini: 1, openai: 0.5 },
      { day: '2026-11-02', gemini: 0, openai: null },
      { day: '2026-11-03', gemini: null, openai: null },
    ]);
    const bySurface = splitDailyRates(rows, period, 'surface');
    expect(bySurface.keys).toEqual(['api', 'api_web_search']);
    expect(bySurface.data[0]).toEqual({ day: '2026-11-01', api: 6 / 9, api_web_search: 0.75 });
  });
});

describe('compareMetrics (the “within noise” marker)', () => {
  const entity = (k: number, n: number, ranks: number[]): EntityMetricsView => ({
    entityId: 'brd_a',
    name: 'Acme',
    kind: 'brand',
    mentionRate: proportion(k, n),
    shareOfVoice: proportion(k, n),
    averagePosition: meanEstimate(ranks),
    sentiment: meanEstimate([0.1, 0.2, 0.3]),
    answerSentiment: meanEstimate([0.1, 0.2, 0.3]),
    citationShare: proportion(1, 10),
    citationConsistency: proportion(1, n),
    positionAdjustedWordCount: null,
    visibilityScore: {
      value: k,
      raw: 0,
      damping: 1,
      components: { mentionRate: 0, shareOfVoice: 0, position: 0, sentiment: 0, citationConsistency: 0 },
    },
  });

  it('draws each bucket of the series as the card reads it, with gaps where a bucket has no answers', () => {
    const bucket = (period: string, k: number, n: number) => ({
      period,
      from: period,
      to: period,
      n,
      shareOfVoiceN: n,
      brand: entity(k, n, [1, 2]),
      competitors: [],
    });
    const data = sparklineData(metricSpec('mentionRate'), [
      bucket('2026-11-01', 2, 10),
      bucket('2026-11-02', 0, 0),
      bucket('2026-11-03', 9, 10),
    ]);
    expect(data).toEqual([
      { period: '2026-11-01', n: 10, value: 0.2 },
      { period: '2026-11-02', n: 0, value: null },
      { period: '2026-11-03', n: 10, value: 0.9 },
    ]);
    const spec = metricSpec('mentionRate');
    expect(sparklineSummary(spec, data, 'day')).toBe(
      `Per day: ${spec.format(0.2)} on 2026-11-01, ${spec.format(0.9)} on 2026-11-03.`,
    );
    // One day with answers is said once, not as a range from the day to itself.
    expect(sparklineSummary(spec, data.slice(0, 2), 'day')).toBe(
      `One day with answers: ${spec.format(0.2)} on 2026-11-01.`,
    );
    expect(sparklineSummary(spec, data.slice(1, 2), 'week')).toBe('No per-week values.');
  });

  it('marks a small change as inside the noise, a large one as better or worse, and never tests the composite', () => {
    expect(compareMetrics(entity(10, 50, [2, 2, 3]), entity(12, 50, [2, 3, 2])).mentionRate.verdict).toBe(
      'inside the noise',
    );
    const big = compareMetrics(entity(5, 100, [3, 3, 4, 4, 3]), entity(60, 100, [1, 1, 1, 1, 1.2]));
    expect(big.mentionRate.verdict).toBe('better');
    // A lower average position is better.
    expect(big.averagePosition.verdict).toBe('better');
    expect(compareMetrics(entity(60, 100, [1, 1]), entity(5, 100, [1, 1])).mentionRate.verdict).toBe('worse');
    expect(big.visibilityScore).toMatchObject({ verdict: 'not tested', tested: false, delta: 55 });
    expect(compareMetrics(undefined, entity(1, 2, [1])).mentionRate.verdict).toBe('no comparison');
  });
});

describe('drilldownCsv (export of the loaded answers)', () => {
  it('writes one line per answer and tracked entity, with citation counts by class', () => {
    const entity = (entityId: string, kind: 'brand' | 'competitor', mentioned: boolean) => ({
      entityId,
      kind,
      name: entityId === 'brd_a' ? 'Acme' : '=HYPERLINK("x")',
      mentioned,
      mentionCount: mentioned ? 2 : 0,
      rank: mentioned ? 1 : null,
      sentiment: mentioned ? 0.5 : null,
      sentimentLabel: mentioned ? ('positive' as const) : null,
      primaryRecommendation: false,
    });
    const answer = {
      answerId: 'run_x.1',
      runId: 'run_x',
      provider: 'openai' as const,
      model: 'gpt-4.1-mini',
      surface: 'api' as const,
      locale: 'en-US',
      sampleIndex: 0,
      day: '2026-11-25',
      answeredAt: '2026-11-25T10:00:00.000Z',
      text: 'Acme',
      analyzerVersion: '1.0.0',
      configuredAt: null,
      refusal: false,
      mentions: [],
      entities: [entity('brd_a', 'brand', true), entity('cmp_b', 'competitor', false)],
      citations: [
        {
          url: 'https://acme.com',
          domain: 'acme.com',
          title: null,
          class: 'owned' as const,
          entityId: 'brd_a',
          start: null,
          end: null,
        },
        {
          url: 'https://g2.com',
          domain: 'g2.com',
          title: null,
          class: 'third-party' as const,
          entityId: null,
          start: null,
          end: null,
        },
      ],
    };
    const lines = drilldownCsv([answer, { ...answer, answerId: 'run_x.2' }])
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(1 + 4);
    expect(lines[0]).toMatch(/^answer_id,answered_at,provider/);
    expect(lines[1]).toBe(
      'run_x.1,2026-11-25T10:00:00.000Z,openai,gpt-4.1-mini,api,en-US,Acme,brand,true,2,1,0.5,1,0,1',
    );
    // A name a spreadsheet would evaluate is neutralised.
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('live settling after a run', () => {
  it('refreshes only while the newest run finished less than the window ago', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    const finished = latestFinish([
      { finishedAt: null },
      { finishedAt: '2026-11-25T11:59:30.000Z' },
      { finishedAt: '2026-11-25T11:00:00.000Z' },
    ]);
    expect(finished).toBe('2026-11-25T11:59:30.000Z');
    expect(isSettling(finished, now)).toBe(true);
    expect(isSettling(finished, now + SETTLE_WINDOW_MS)).toBe(false);
    expect(isSettling(latestFinish([{ finishedAt: null }]), now)).toBe(false);
    expect(isSettling('not a date', now)).toBe(false);
  });
});
