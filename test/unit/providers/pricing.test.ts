import { describe, expect, it } from 'vitest';
import {
  CURRENT_PRICE_TABLE,
  estimateCost,
  findModelPrice,
  PRICE_TABLES,
  type PriceTable,
} from '#shared/domain/pricing.ts';

describe('price table', () => {
  it('is versioned and registered by its version', () => {
    expect(CURRENT_PRICE_TABLE.priceTableVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLES[CURRENT_PRICE_TABLE.priceTableVersion]).toBe(CURRENT_PRICE_TABLE);
  });

  it('prices every provider and has no negative or missing prices', () => {
    for (const provider of ['openai', 'anthropic', 'gemini', 'perplexity']) {
      const prices = CURRENT_PRICE_TABLE.providers[provider] ?? [];
      expect(prices.length).toBeGreaterThan(0);
      for (const price of prices) {
        expect(price.inputPerMTok).toBeGreaterThan(0);
        expect(price.outputPerMTok).toBeGreaterThan(0);
      }
    }
  });

  it('matches dated snapshots to their base model by longest prefix', () => {
    expect(findModelPrice('openai', 'gpt-4.1-mini-2025-04-14')?.model).toBe('gpt-4.1-mini');
    expect(findModelPrice('openai', 'gpt-4.1-2025-04-14')?.model).toBe('gpt-4.1');
    expect(findModelPrice('openai', 'GPT-4o-mini')?.model).toBe('gpt-4o-mini');
    expect(findModelPrice('anthropic', 'claude-sonnet-4-5-20250929')?.model).toBe('claude-sonnet-4-5');
    expect(findModelPrice('anthropic', 'claude-sonnet-4-20250514')?.model).toBe('claude-sonnet-4');
  });

  it('does not guess across a non-boundary prefix or an unknown provider', () => {
    expect(findModelPrice('openai', 'gpt-4.10')).toBeNull();
    expect(findModelPrice('openai', 'o9-preview')).toBeNull();
    expect(findModelPrice('mistral', 'mistral-large')).toBeNull();
  });
});

describe('estimateCost', () => {
  const table: PriceTable = {
    priceTableVersion: '2000-01-01',
    currency: 'USD',
    providers: {
      p: [
        { model: 'm', inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5, webSearchPer1k: 10 },
        { model: 'fee', inputPerMTok: 1, outputPerMTok: 1, requestPer1k: 5 },
      ],
    },
  };

  it('charges input and output per million tokens', () => {
    const cost = estimateCost({ provider: 'p', model: 'm', inputTokens: 1_000_000, outputTokens: 500_000 }, table);
    expect(cost).toEqual({ usd: 6, priceTableVersion: '2000-01-01', pricedAs: 'm' });
  });

  it('charges cached input at the cache price and web searches per thousand', () => {
    const cost = estimateCost(
      {
        provider: 'p',
        model: 'm',
        inputTokens: 1000,
        cachedInputTokens: 400,
        outputTokens: 100,
        webSearchRequests: 2,
      },
      table,
    );
    // 600 × 2 + 400 × 0.5 + 100 × 8 per 1M, + 2 × $10 / 1000
    expect(cost.usd).toBeCloseTo((1200 + 200 + 800) / 1e6 + 0.02, 10);
  });

  it('adds a per-request fee', () => {
    expect(estimateCost({ provider: 'p', model: 'fee', inputTokens: 0, outputTokens: 0 }, table).usd).toBe(0.005);
  });

  it('prefers the answering snapshot over the requested alias', () => {
    const cost = estimateCost({
      provider: 'openai',
      model: 'gpt-4.1',
      modelVersion: 'gpt-4.1-mini-2025-04-14',
      inputTokens: 1_000_000,
      outputTokens: 0,
    });
    expect(cost.pricedAs).toBe('gpt-4.1-mini');
    expect(cost.usd).toBe(0.4);
  });

  it('gives null (never a silent zero) for unknown models', () => {
    const cost = estimateCost({ provider: 'openai', model: 'unknown', inputTokens: 10, outputTokens: 10 });
    expect(cost.usd).toBeNull();
    expect(cost.priceTableVersion).toBe(CURRENT_PRICE_TABLE.priceTableVersion);
  });

  it('ignores negative, fractional garbage and caps cached tokens at input tokens', () => {
    const cost = estimateCost(
      { provider: 'p', model: 'm', inputTokens: -5, outputTokens: Number.NaN, cachedInputTokens: 99 },
      table,
    );
    expect(cost.usd).toBe(0);
  });
});
