import { describe, expect, it } from 'vitest';
import { evaluate, formatFigures, loadCorpus, loadEntityConfigs } from './corpus.ts';

const cases = loadCorpus();
const configs = loadEntityConfigs();
const figures = evaluate(cases, configs);

describe('analysis accuracy on the hand-labelled corpus', () => {
  it('has at least 80 labelled texts across styles', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    const kinds = new Set(cases.map((c) => c.label.kind));
    expect(kinds).toEqual(new Set(['answer', 'social', 'news']));
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('prints the figures', () => {
    console.log(formatFigures(figures));
    if (figures.misses.length > 0) console.log(`disagreements with the labels:\n  ${figures.misses.join('\n  ')}`);
    expect(figures.cases).toBe(cases.length);
  });

  it('finds mentions with precision and recall >= 0.97', () => {
    expect(figures.mentionPrecision).toBeGreaterThanOrEqual(0.97);
    expect(figures.mentionRecall).toBeGreaterThanOrEqual(0.97);
  });

  it('ranks entities, list positions and the primary pick correctly', () => {
    expect(figures.rankAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(figures.listAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(figures.primaryAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('gets the sentiment sign toward each entity right', () => {
    expect(figures.sentimentAccuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('extracts and classifies citations', () => {
    expect(figures.citationPrecision).toBeGreaterThanOrEqual(0.97);
    expect(figures.citationRecall).toBeGreaterThanOrEqual(0.97);
    expect(figures.categoryAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('the scorer can fail: a corrupted label set scores below the bar', () => {
    const flipped = cases.map((c) => ({
      ...c,
      label: {
        ...c.label,
        sentiment: Object.fromEntries(
          Object.entries(c.label.sentiment).map(([k, v]) => [k, v === '+' ? '-' : v === '-' ? '+' : '+'] as const),
        ),
        mentions: Object.fromEntries(Object.entries(c.label.mentions).map(([k, v]) => [k, v.map((s) => `${s}x`)])),
      },
    }));
    const bad = evaluate(flipped, configs);
    expect(bad.mentionPrecision).toBeLessThan(0.5);
    expect(bad.sentimentAccuracy).toBeLessThan(0.5);
  });
});
