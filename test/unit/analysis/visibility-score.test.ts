import { describe, expect, it } from 'vitest';
import { visibilityScoreOf } from '../../../shared/analysis/metrics.ts';

describe('visibility score (one formula for live metrics and rollups)', () => {
  it('weights the components and damps small samples, as worked by hand', () => {
    // mention 0.5, SoV 0.4, position 2 → 0.25, sentiment 0.2 → 0.5 × 0.6 = 0.3, consistency 0.1; n = 10 → damping 0.5
    const score = visibilityScoreOf(
      { mentionRate: 0.5, shareOfVoice: 0.4, averagePosition: 2, sentiment: 0.2, citationConsistency: 0.1 },
      10,
    );
    const raw = 0.4 * 0.5 + 0.2 * 0.4 + 0.15 * 0.25 + 0.15 * 0.3 + 0.1 * 0.1;
    expect(score.raw).toBeCloseTo(raw, 12);
    expect(score.damping).toBe(0.5);
    expect(score.value).toBe(Math.round(1000 * raw * 0.5) / 10);
    expect(score.components).toEqual({
      mentionRate: 0.5,
      shareOfVoice: 0.4,
      position: 0.25,
      sentiment: expect.closeTo(0.3, 12),
      citationConsistency: 0.1,
    });
  });

  it('counts missing estimates as 0 and a sample of none as no score', () => {
    const empty = {
      mentionRate: null,
      shareOfVoice: null,
      averagePosition: null,
      sentiment: null,
      citationConsistency: null,
    };
    expect(visibilityScoreOf(empty, 0)).toMatchObject({ value: 0, raw: 0, damping: 0 });
    expect(visibilityScoreOf({ ...empty, mentionRate: 1 }, 90).value).toBe(36);
  });
});
