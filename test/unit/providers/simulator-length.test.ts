import { describe, expect, it } from 'vitest';
import { answerTokenTarget, lengthening } from '#local/provider-simulator/answer-length.ts';
import { approxTokens, generateAnswer } from '#local/provider-simulator/answers.ts';
import { DEMO_MARKET } from '#local/provider-simulator/market.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

describe('simulated answers have realistic lengths', () => {
  it('answer lengths centre on each provider’s typical length (Gemini longest, Perplexity shortest)', () => {
    const tokens = (provider: 'openai' | 'gemini' | 'perplexity') =>
      median(
        Array.from({ length: 120 }, (_, i) =>
          approxTokens(
            generateAnswer(
              {
                prompt: 'What are the best product analytics tools for a startup?',
                provider,
                model: 'm',
                sampleIndex: i,
                date: '2026-12-01',
                surface: 'api',
                seed: 3,
              },
              DEMO_MARKET,
            ).text,
          ),
        ),
      );
    const [openai, gemini, perplexity] = [tokens('openai'), tokens('gemini'), tokens('perplexity')];
    expect(openai).toBeGreaterThan(450);
    expect(gemini).toBeGreaterThan(openai);
    expect(perplexity).toBeLessThan(openai);
  });

  it('adds only product-free guidance, so what an answer says about brands is unchanged', () => {
    const lines = lengthening(DEMO_MARKET, 100, { target: 5_000, rng: () => 0.5 });
    const added = lines.join('\n');
    expect(approxTokens(added)).toBeGreaterThan(800);
    for (const brand of DEMO_MARKET.brands) expect(added).not.toContain(brand.name);
    expect(lengthening(DEMO_MARKET, 900, answerTokenTarget('k', 'perplexity', 'api_web_search'))).toEqual([]);
  });
});
