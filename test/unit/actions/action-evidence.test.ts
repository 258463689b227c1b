import { describe, expect, it } from 'vitest';
import { distinctPosts } from '../../../functions/handlers/actions/engine-trigger.ts';
import { signalSwingFigures } from '../../../shared/actions/sentiment.ts';
import type { EvidenceFigure } from '../../../shared/contracts/actions.ts';
import type { SignalDayRow } from '../../../shared/signals/rollups.ts';
import { baselineOf, socialActionSeries, socialTargetOf } from '../../../shared/use-cases/action-social-series.ts';

const figures = (list: EvidenceFigure[]) => ({ figures: list, prompts: [], answers: [], posts: [], domains: [] });

describe('action evidence', () => {
  it('plots a social swing on the social series of its source, with the baseline it was measured against', async () => {
    const action = {
      id: 'act_1',
      brandId: 'brd_1',
      title: 'Social sentiment on reddit for Acme swung below its baseline',
      dedupeKey: 'negative_sentiment|signal|sentiment on reddit',
      evidence: figures([
        { label: 'sentiment on reddit (now)', value: -0.49, n: 40, ci: null },
        { label: 'sentiment on reddit (baseline)', value: 0.08, n: 40, ci: null },
      ]),
    };
    const target = socialTargetOf(action);
    expect(target).toEqual({ metric: 'sentiment', source: 'reddit' });
    const row = (day: string, source: string, values: number[]): SignalDayRow => ({
      day,
      source: source as SignalDayRow['source'],
      counters: {
        n: values.length,
        sN: values.length,
        s: values.reduce((a, b) => a + b, 0),
        s2: values.reduce((a, b) => a + b * b, 0),
      },
    });
    const reads: string[] = [];
    const signals = {
      readDays: async (tenantId: string, brandId: string, from: string, to: string) => {
        reads.push(`${tenantId}|${brandId}|${from}|${to}`);
        return [
          row('2026-12-02', 'reddit', [0.2, 0.1, -0.1, 0.3]),
          row('2026-12-01', 'reddit', [0.1, 0.0, 0.2]),
          row('2026-12-02', 'all', [0.9, 0.9]),
          row('2026-12-03', 'reddit', [-0.6, -0.4, -0.5, -0.45]),
        ];
      },
    };
    const series = await socialActionSeries(signals, action, target!, '2026-11-01', '2026-12-03', 'ws_1');
    expect(reads).toEqual(['ws_1|brd_1|2026-11-01|2026-12-03']);
    expect(series.basis).toBe('social');
    expect(series.label).toBe('Social sentiment on reddit');
    expect(series.baseline).toEqual({ value: 0.08, label: 'sentiment on reddit (baseline)' });
    expect(series.points.map((p) => p.day)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
    const last = series.points.at(-1)!;
    expect(last.value).toBeCloseTo(-0.4875, 6);
    expect(last.n).toBe(4);
    expect(last.ci?.[0]).toBeLessThan(-0.4875);
    expect(last.ci?.[1]).toBeGreaterThan(-0.4875);
  });

  it('gives a social swing the intervals the detector judged it with (no bare dashes where one exists)', () => {
    // Sentiment: now −0.49 over 12 posts, baseline 0.08 over 300; se of the difference 0.1 →
    // change −0.57 ± 1.96 × 0.1 = [−0.766, −0.374].
    const sentiment = signalSwingFigures({
      alertId: 'a',
      metric: 'sentiment on reddit',
      value: -0.49,
      baseline: 0.08,
      n: 12,
      baselineN: 300,
      spread: 0.1,
      significant: true,
      direction: 'down',
      observedAt: '2026-12-07T00:00:00.000Z',
      posts: [],
    });
    expect(sentiment.map((f) => [f.label, f.n, f.ci])).toEqual([
      ['sentiment on reddit (now)', 12, null],
      ['sentiment on reddit (baseline)', 300, null],
      ['sentiment on reddit (change from baseline)', 12, [-0.766, -0.374]],
    ]);
    // Volume: 90 posts against an expected 40 with a day sd of 10 → expected range 40 ± 19.6 = [20.4, 59.6].
    const volume = signalSwingFigures({
      alertId: 'b',
      metric: 'volume',
      value: 90,
      baseline: 40,
      n: 90,
      baselineN: 1200,
      spread: 10,
      significant: true,
      direction: 'up',
      observedAt: '2026-12-07T00:00:00.000Z',
      posts: [],
    });
    expect(volume[1]?.ci).toEqual([20.4, 59.6]);
  });

  it('leaves AI-answer actions on their rollup series', () => {
    expect(socialTargetOf({ dedupeKey: 'negative_sentiment|answers|openai' })).toBeNull();
    expect(socialTargetOf({ dedupeKey: 'negative_sentiment|signal|volume' })).toEqual({
      metric: 'volume',
      source: 'all',
    });
    expect(
      baselineOf({ evidence: figures([{ label: 'mention rate', value: 0.3, n: 10, ci: [0.1, 0.6] }]) }),
    ).toBeNull();
  });

  it('keeps one evidence post per distinct text and URL', () => {
    const post = (url: string | null, excerpt: string) => ({ url, excerpt });
    const posts = distinctPosts([
      post('https://reddit.com/a', 'Acme support is awful, three weeks without an answer.'),
      post('https://x.com/b', 'acme support is AWFUL - three weeks without an answer!! https://t.co/xyz'),
      post('https://reddit.com/a', 'A different text at the same URL'),
      post(null, 'Acme pricing doubled overnight.'),
      post(null, 'Acme pricing doubled overnight.'),
      post('https://news.example/c', 'Acme pricing doubled overnight, customers say.'),
    ]);
    expect(posts.map((p) => p.excerpt)).toEqual([
      'Acme support is awful, three weeks without an answer.',
      'Acme pricing doubled overnight.',
      'Acme pricing doubled overnight, customers say.',
    ]);
  });
});
