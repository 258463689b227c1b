import { describe, expect, it } from 'vitest';
import { metricAlertEvent } from '../../../shared/events/metric-alert.ts';
import { parseCanonicalEvent } from '../../../shared/events/schemas.ts';
import { alertIdRange, metricAlertDataOf, signalAlertId, signalAlertOf } from '../../../shared/signals/alerts.ts';
import { detectorSeries, languageOf, seriesPointOf, signalFactOf } from '../../../shared/signals/rollups.ts';
import { daysToJudge } from '../../../shared/use-cases/signals.ts';
import { signalEvent } from '../../support/signals-fixtures.ts';

const tenantId = 'ws_01m8a8at0000000000000000ab';
const brandId = 'brd_01m8a8at00000000000000000b';

describe('signal rollups (pure)', () => {
  it('turns a signal into counters: volume, sentiment class toward the brand, target sentiment sums, language', () => {
    const fact = signalFactOf(
      signalEvent({
        tenantId,
        brandId,
        externalId: 'a1',
        publishedAt: '2026-11-20T10:00:00.000Z',
        sentiment: -0.5,
        language: 'de-AT',
      }),
    );
    expect(fact.day).toBe('2026-11-20');
    expect(fact.counters).toEqual({ n: 1, m: 1, neg: 1, 'lang#de': 1, sN: 1, s: -0.5, s2: 0.25 });
    expect(fact.item).toMatchObject({
      source: 'reddit',
      language: 'de',
      sentiment: { class: 'negative', towardBrand: true },
    });
  });

  it('uses the post sentiment when the brand is not named, and counts no target sentiment', () => {
    const fact = signalFactOf(
      signalEvent({
        tenantId,
        brandId,
        externalId: 'a2',
        publishedAt: '2026-11-20T10:00:00.000Z',
        sentiment: null,
        language: null,
      }),
    );
    expect(fact.counters).toEqual({ n: 1, neu: 1, 'lang#und': 1 });
    expect(fact.item.sentiment).toEqual({ score: 0, class: 'neutral', towardBrand: false });
  });

  it('normalises languages to a primary subtag or und', () => {
    expect(['en-GB', 'PT_br', 'ja', '', null, 'x-klingon', 'english'].map(languageOf)).toEqual([
      'en',
      'pt',
      'ja',
      'und',
      'und',
      'und',
      'und',
    ]);
  });

  it('reads stored rows back as series points and as detector input with the collection volume', () => {
    const row = {
      day: '2026-11-20',
      source: 'reddit' as const,
      counters: { n: 4, m: 3, pos: 1, neg: 2, neu: 1, sN: 3, s: -0.75, s2: 0.5, 'lang#en': 3, 'lang#de': 1 },
    };
    expect(seriesPointOf(row)).toEqual({
      day: '2026-11-20',
      source: 'reddit',
      volume: 4,
      mentioned: 3,
      positive: 1,
      neutral: 1,
      negative: 2,
      sentiment: { n: 3, mean: -0.25 },
      languages: { en: 3, de: 1 },
    });
    const series = detectorSeries(
      [row],
      [
        { day: '2026-11-19', source: 'reddit', collected: 9 },
        { day: '2026-11-20', source: 'reddit', collected: 12 },
      ],
    );
    expect(series.get('reddit')).toEqual([
      { day: '2026-11-19', volume: 0, collected: 9, sentimentN: 0, sentimentSum: 0, sentimentSumSq: 0 },
      { day: '2026-11-20', volume: 4, collected: 12, sentimentN: 3, sentimentSum: -0.75, sentimentSumSq: 0.5 },
    ]);
  });

  it('re-judges the days whose baseline a batch changed, within the alert window', () => {
    const clock = { now: () => new Date('2026-11-25T12:00:00Z') };
    expect([...daysToJudge(new Set(['2026-11-20']), { clock })]).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
    ]);
    // A backfill of old days only re-judges the alert window (14 days up to today).
    const old = daysToJudge(new Set(['2026-09-01', '2026-11-01']), { clock });
    expect([...old][0]).toBe('2026-11-12');
    expect(old.size).toBe(14);
    expect(daysToJudge(new Set(['2026-08-01']), { clock }).size).toBe(0);
  });
});

describe('alerts and metric.alert events', () => {
  const finding = {
    day: '2026-11-20',
    kind: 'day' as const,
    metric: 'sentiment' as const,
    direction: 'down' as const,
    observed: { value: -0.6, n: 40 },
    baseline: { days: 28, value: 0.3, spread: 0.07, n: 600 },
    change: { absolute: -0.9, relative: null, z: -12.8 },
    thresholds: { minN: 10, minBaselineN: 30, minAbsoluteChange: 0.2, minZ: 4 },
    collection: { observed: 120, baseline: 110 },
    suppressed: null,
    severity: 'critical' as const,
  };

  it('dedupes by (tenant, brand, metric, source, day) and sorts alert ids by day', () => {
    const a = signalAlertId(tenantId, brandId, 'sentiment', 'reddit', '2026-11-20');
    expect(signalAlertId(tenantId, brandId, 'sentiment', 'reddit', '2026-11-20')).toBe(a);
    expect(signalAlertId(tenantId, brandId, 'volume', 'reddit', '2026-11-20')).not.toBe(a);
    expect(signalAlertId(tenantId, brandId, 'sentiment', 'all', '2026-11-20')).not.toBe(a);
    const later = signalAlertId(tenantId, brandId, 'sentiment', 'reddit', '2026-11-21');
    expect(later > a).toBe(true);
    const [low, high] = alertIdRange('2026-11-20', '2026-11-20');
    expect(a >= low && a <= high).toBe(true);
    expect(later > high).toBe(true);
  });

  it('builds a metric.alert event the canonical parser accepts, with a stable id', () => {
    const alert = signalAlertOf({
      tenantId,
      brandId,
      source: 'reddit',
      finding,
      topNegativePosts: [],
      now: new Date('2026-11-20T18:00:00Z'),
    });
    const event = metricAlertEvent(metricAlertDataOf(tenantId, alert));
    const parsed = parseCanonicalEvent(JSON.stringify(event));
    expect(parsed).toMatchObject({
      ok: true,
      event: { type: 'promptpulse.metric.alert', data: { alertId: alert.id } },
    });
    const again = signalAlertOf({
      tenantId,
      brandId,
      source: 'reddit',
      finding,
      topNegativePosts: [],
      now: new Date(),
    });
    expect(metricAlertEvent(metricAlertDataOf(tenantId, again)).id).toBe(event.id);
  });
});
