/**
 * Versioned list-price table of the AI providers, and the cost estimate of one answer.
 *
 * Prices are the providers' published pay-as-you-go list prices in USD (standard tier, no batch or volume discounts,
 * short-context tier where prices depend on prompt length). They are estimates for spend caps and reporting, not
 * invoices. When a provider changes prices, add a new table with a new `priceTableVersion` (an ISO date) instead of
 * editing an old one: every stored answer names the version it was costed with, so history stays explainable.
 */

export interface ModelPrice {
  /** Model id or id prefix; dated snapshots (`gpt-4.1-mini-2025-04-14`) match their base id by longest prefix. */
  model: string;
  /** USD per 1M input (prompt) tokens. */
  inputPerMTok: number;
  /** USD per 1M output (completion) tokens, reasoning tokens included. */
  outputPerMTok: number;
  /** USD per 1M input tokens served from the prompt cache. @default inputPerMTok */
  cachedInputPerMTok?: number;
  /** USD per 1,000 billed web searches / grounded requests on the web-search surface. @default 0 */
  webSearchPer1k?: number;
  /** USD per 1,000 requests, charged on every request (Perplexity's request fee). @default 0 */
  requestPer1k?: number;
}

export interface PriceTable {
  /** ISO date the prices were taken from the providers' pricing pages. */
  priceTableVersion: string;
  currency: 'USD';
  providers: Record<string, readonly ModelPrice[]>;
}

/** The pricing page each provider's prices are read from. */
export const PRICE_TABLE_SOURCES: Record<'openai' | 'anthropic' | 'gemini' | 'perplexity', string> = {
  openai: 'https://platform.openai.com/docs/pricing',
  anthropic: 'https://platform.claude.com/docs/en/about-claude/pricing',
  gemini: 'https://ai.google.dev/gemini-api/docs/pricing',
  perplexity: 'https://docs.perplexity.ai/getting-started/pricing',
};

/** Prices as published on the providers' pricing pages on the version date. */
export const PRICE_TABLE_2025_10_01: PriceTable = {
  priceTableVersion: '2025-10-01',
  currency: 'USD',
  providers: {
    openai: [
      { model: 'gpt-5', inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.125, webSearchPer1k: 10 },
      { model: 'gpt-5-mini', inputPerMTok: 0.25, outputPerMTok: 2, cachedInputPerMTok: 0.025, webSearchPer1k: 10 },
      { model: 'gpt-5-nano', inputPerMTok: 0.05, outputPerMTok: 0.4, cachedInputPerMTok: 0.005, webSearchPer1k: 10 },
      { model: 'gpt-4.1', inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5, webSearchPer1k: 10 },
      { model: 'gpt-4.1-mini', inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1, webSearchPer1k: 10 },
      { model: 'gpt-4.1-nano', inputPerMTok: 0.1, outputPerMTok: 0.4, cachedInputPerMTok: 0.025, webSearchPer1k: 10 },
      { model: 'gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25, webSearchPer1k: 10 },
      { model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, webSearchPer1k: 10 },
    ],
    anthropic: [
      { model: 'claude-opus-4-1', inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, webSearchPer1k: 10 },
      { model: 'claude-opus-4', inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, webSearchPer1k: 10 },
      { model: 'claude-sonnet-4-5', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, webSearchPer1k: 10 },
      { model: 'claude-sonnet-4', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, webSearchPer1k: 10 },
      { model: 'claude-3-7-sonnet', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, webSearchPer1k: 10 },
      { model: 'claude-haiku-4-5', inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1, webSearchPer1k: 10 },
      { model: 'claude-3-5-haiku', inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, webSearchPer1k: 10 },
    ],
    gemini: [
      // Grounding with Google Search is billed per grounded prompt beyond the daily free allowance (not modelled).
      { model: 'gemini-2.5-pro', inputPerMTok: 1.25, outputPerMTok: 10, cachedInputPerMTok: 0.31, webSearchPer1k: 35 },
      {
        model: 'gemini-2.5-flash',
        inputPerMTok: 0.3,
        outputPerMTok: 2.5,
        cachedInputPerMTok: 0.075,
        webSearchPer1k: 35,
      },
      {
        model: 'gemini-2.5-flash-lite',
        inputPerMTok: 0.1,
        outputPerMTok: 0.4,
        cachedInputPerMTok: 0.025,
        webSearchPer1k: 35,
      },
      {
        model: 'gemini-2.0-flash',
        inputPerMTok: 0.1,
        outputPerMTok: 0.4,
        cachedInputPerMTok: 0.025,
        webSearchPer1k: 35,
      },
    ],
    perplexity: [
      // Request fee at the "low" search context size, which the adapter requests.
      { model: 'sonar', inputPerMTok: 1, outputPerMTok: 1, requestPer1k: 5 },
      { model: 'sonar-pro', inputPerMTok: 3, outputPerMTok: 15, requestPer1k: 6 },
      { model: 'sonar-reasoning-pro', inputPerMTok: 2, outputPerMTok: 8, requestPer1k: 6 },
      { model: 'sonar-reasoning', inputPerMTok: 1, outputPerMTok: 5, requestPer1k: 5 },
    ],
  },
};

/**
 * The 2025-10-01 prices plus the models that replace retiring ones (docs/providers.md, "Model catalogue"), read
 * through the docs search on 2026-12-07. Sources: gpt-6-luna from a reading of OpenAI's pricing of 2026-10-15;
 * gemini-3.8-flash input from Google's pricing page read 2026-10-07 ("$0.75 through December 31, 2026"), output from
 * a gateway listing; gemini-3.5-flash-lite from a catalogue listing of 2026-07-21; claude-sonnet-4-6 at the Sonnet
 * list price. Models without a readable price (gpt-6.1-sol) are left out: their answers cost `usd: null`.
 */
export const PRICE_TABLE_2026_12_07: PriceTable = {
  priceTableVersion: '2026-12-07',
  currency: 'USD',
  providers: {
    openai: [
      { model: 'gpt-6-luna', inputPerMTok: 0.1, outputPerMTok: 0.5, cachedInputPerMTok: 0.01, webSearchPer1k: 10 },
      ...(PRICE_TABLE_2025_10_01.providers['openai'] ?? []),
    ],
    anthropic: [
      { model: 'claude-sonnet-4-6', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, webSearchPer1k: 10 },
      ...(PRICE_TABLE_2025_10_01.providers['anthropic'] ?? []),
    ],
    gemini: [
      { model: 'gemini-3.8-flash', inputPerMTok: 0.75, outputPerMTok: 3.75, webSearchPer1k: 35 },
      {
        model: 'gemini-3.5-flash-lite',
        inputPerMTok: 0.3,
        outputPerMTok: 2.5,
        cachedInputPerMTok: 0.03,
        webSearchPer1k: 35,
      },
      ...(PRICE_TABLE_2025_10_01.providers['gemini'] ?? []),
    ],
    perplexity: PRICE_TABLE_2025_10_01.providers['perplexity'] ?? [],
  },
};

/** The table new answers are costed with. */
export const CURRENT_PRICE_TABLE: PriceTable = PRICE_TABLE_2026_12_07;

/** Every published table by version, so an old answer's cost can be recomputed with the table it named. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  [PRICE_TABLE_2025_10_01.priceTableVersion]: PRICE_TABLE_2025_10_01,
  [PRICE_TABLE_2026_12_07.priceTableVersion]: PRICE_TABLE_2026_12_07,
};

/**
 * Finds the price of a model: the exact id, else the longest configured id the model id starts with followed by `-`
 * (dated snapshots: `gpt-4.1-mini-2025-04-14` → `gpt-4.1-mini`; `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`).
 * Returns null for unknown models.
 */
export function findModelPrice(provider: string, model: string, table: PriceTable = CURRENT_PRICE_TABLE) {
  const prices = table.providers[provider];
  if (!prices) return null;
  const id = model.trim().toLowerCase();
  let best: ModelPrice | null = null;
  for (const price of prices) {
    const candidate = price.model.toLowerCase();
    if (id === candidate) return price;
    if (id.startsWith(`${candidate}-`) && (!best || candidate.length > best.model.length)) best = price;
  }
  return best;
}

export interface CostInput {
  provider: string;
  /** Model requested; `modelVersion` (the snapshot that answered) is tried first when given. */
  model: string;
  modelVersion?: string | null;
  inputTokens: number;
  outputTokens: number;
  /** Part of `inputTokens` served from cache. @default 0 */
  cachedInputTokens?: number;
  /** Billed web searches / grounded requests. @default 0 */
  webSearchRequests?: number;
}

export interface CostEstimate {
  /** USD rounded to 1e-8 (a micro-cent), or null when the model is not priced. */
  usd: number | null;
  priceTableVersion: string;
  /** The table entry used, or null. */
  pricedAs: string | null;
}

const clampCount = (n: number | undefined) => (n !== undefined && Number.isFinite(n) && n > 0 ? n : 0);

/** Estimates the USD cost of one answer. Pure; unknown models give `usd: null`, never a silent 0. */
export function estimateCost(input: CostInput, table: PriceTable = CURRENT_PRICE_TABLE): CostEstimate {
  const price =
    (input.modelVersion ? findModelPrice(input.provider, input.modelVersion, table) : null) ??
    findModelPrice(input.provider, input.model, table);
  if (!price) return { usd: null, priceTableVersion: table.priceTableVersion, pricedAs: null };
  const inputTokens = clampCount(input.inputTokens);
  const cached = Math.min(clampCount(input.cachedInputTokens), inputTokens);
  const usd =
    ((inputTokens - cached) * price.inputPerMTok +
      cached * (price.cachedInputPerMTok ?? price.inputPerMTok) +
      clampCount(input.outputTokens) * price.outputPerMTok) /
      1_000_000 +
    (clampCount(input.webSearchRequests) * (price.webSearchPer1k ?? 0)) / 1000 +
    (price.requestPer1k ?? 0) / 1000;
  return { usd: Math.round(usd * 1e8) / 1e8, priceTableVersion: table.priceTableVersion, pricedAs: price.model };
}
