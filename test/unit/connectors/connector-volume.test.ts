import { describe, expect, it } from 'vitest';
import { estimateVolume, X_MONTHLY_POST_CAPS } from '../../../shared/domain/connector-volume.ts';

const NOW = new Date('2026-12-08T00:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000).toISOString();

describe('volume preview from a sample', () => {
  it('estimates posts a day from the newest items: n over the age of the oldest', () => {
    const tenInFiveHours = Array.from({ length: 10 }, (_, i) => hoursAgo(0.5 * (i + 1)));
    const x = estimateVolume({ source: 'x', query: 'acme' }, tenInFiveHours, NOW);
    expect(x.postsPerDay).toBe(48);
    expect(x.basis).toBe('the newest 10 items, the oldest 5 h old');
    // 48 a day ≈ 1,440 a month: under 10% of Basic's cap, no warning.
    expect(x.capShare).toBeCloseTo((48 * 30) / X_MONTHLY_POST_CAPS.basic, 3);
    expect(x.warning).toBeNull();
  });

  it('warns when one X connector alone would read half the plan’s monthly cap or more (reposts read count too)', () => {
    const tenInOneHour = Array.from({ length: 10 }, (_, i) => hoursAgo(0.1 * (i + 1)));
    const basic = estimateVolume({ source: 'x', query: 'acme' }, tenInOneHour, NOW);
    expect(basic.postsPerDay).toBe(240);
    // ≈7,200 a month: 48% of Basic's cap, just under the warning.
    expect(basic.capShare).toBe(0.48);
    expect(basic.warning).toBeNull();
    const withReposts = estimateVolume({ source: 'x', query: 'acme' }, tenInOneHour, NOW, 5);
    expect(withReposts.warning).toMatch(/≈10,800 posts a month: 72% of the X Basic plan's 15,000-post monthly cap/);
    expect(estimateVolume({ source: 'x', query: 'acme', tier: 'pro' }, tenInOneHour, NOW, 5).warning).toBeNull();
  });

  it('needs two dated items; other sources get a rate and no cap', () => {
    expect(estimateVolume({ source: 'x', query: 'acme' }, [hoursAgo(1)], NOW)).toMatchObject({
      postsPerDay: null,
      basis: '1 dated item',
    });
    const feed = estimateVolume(
      { source: 'rss', feedUrl: 'https://news.example.com/feed' },
      [hoursAgo(24), hoursAgo(72)],
      NOW,
    );
    expect(feed).toEqual({
      postsPerDay: 0.7,
      basis: 'the newest 2 items, the oldest 3 days old',
      capShare: null,
      warning: null,
    });
  });
});
