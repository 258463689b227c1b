import { describe, expect, it } from 'vitest';
import { CONFIDENCE_N_HALF, confidenceOf, PRIORITY_WEIGHTS } from '#shared/actions/scoring.ts';
import { DAMPING_M } from '#shared/analysis/metrics.ts';
import { GLOSSARY } from '../../web/src/components/glossary.ts';

describe('glossary: the numbers it quotes are the product’s', () => {
  it('small-sample damping n/(n + m): 10 → 0.50, 90 → 0.90, 990 → 0.99', () => {
    const text = GLOSSARY['small-sample damping'];
    expect(text).toContain(`n/(n + ${DAMPING_M})`);
    const damping = (n: number) => n / (n + DAMPING_M);
    expect(damping(10).toFixed(2)).toBe('0.50');
    expect(damping(90).toFixed(2)).toBe('0.90');
    expect(damping(990).toFixed(2)).toBe('0.99');
    expect(text).toMatch(/10 answers the damping is 0\.50; with 90 it is 0\.90; with 990, 0\.99/);
  });

  it('confidence n/(n + 20) × (1 − width), high from 0.55, medium from 0.3', () => {
    expect(GLOSSARY.confidence).toContain(`n/(n + ${CONFIDENCE_N_HALF})`);
    // 20 answers, width 0 → 0.5 (medium); 60 answers, width 0.2 → 0.75 × 0.8 = 0.6 (high); 20, width 0.5 → 0.25 (low).
    expect(confidenceOf(20, 0)).toMatchObject({ score: 0.5, level: 'medium' });
    expect(confidenceOf(60, 0.2)).toMatchObject({ score: 0.6, level: 'high' });
    expect(confidenceOf(20, 0.5)).toMatchObject({ score: 0.25, level: 'low' });
    expect(GLOSSARY.confidence).toMatch(/high from 0\.55, medium from 0\.3/);
  });

  it('priority weights: half impact, 30% confidence, 20% urgency', () => {
    expect(PRIORITY_WEIGHTS).toEqual({ impact: 0.5, confidence: 0.3, urgency: 0.2 });
    expect(GLOSSARY.priority).toContain('half expected impact, 30% confidence, 20% urgency');
  });

  it('every term has a definition of a sentence or more', () => {
    for (const [term, text] of Object.entries(GLOSSARY)) expect(text.length, term).toBeGreaterThan(40);
  });
});
