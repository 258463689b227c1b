import { describe, expect, it } from 'vitest';
import { detectorSeries, languageOf, seriesPointOf, signalFactOf } from '../../../shared/signals/rollups.ts';
import { daysToJudge } from '../../../shared/use-cases/signals.ts';
import { signalEvent } from '../../support/signals-fixtures.ts';

const tenantId = 'ws_01m8a8at00000000000000000a';
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
