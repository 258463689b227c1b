/**
 * The truth the simulator plants: how likely each brand is to be named in an answer to a given prompt, provider,
 * surface and day. `generateAnswer` draws from exactly these probabilities, so tests can check that the pipeline's
 * measured rates (and their intervals) recover them.
 */
import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import { type Market, type MarketBrand, type MarketSource, type MarketTopic, perProvider } from './market.ts';

/** What an answer's brand draws depend on. */
export interface AnswerContext {
  prompt: string;
  provider: ProviderId;
  surface: AnswerSurface;
  /** UTC day, `YYYY-MM-DD`. */
  date: string;
}

const DAY_MS = 86_400_000;

function dayNumber(date: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** The market topic a prompt is about: the first topic one of whose terms the prompt contains. */
export function topicOf(market: Market, prompt: string): MarketTopic | null {
  const lower = prompt.toLowerCase();
  return market.topics?.find((topic) => topic.terms.some((term) => term && lower.includes(term))) ?? null;
}

/** The brands a prompt names (a branded prompt), case-insensitively, in order of appearance. */
export function brandsInPrompt(market: Market, prompt: string): MarketBrand[] {
  const lower = prompt.toLowerCase();
  return market.brands
    .map((brand) => ({ brand, at: lower.indexOf(brand.name.toLowerCase()) }))
    .filter((entry) => entry.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.brand);
}

/** The probability that an answer with brands names `brand`: provider visibility × topic × surface × drift. */
export function effectiveVisibility(market: Market, brand: MarketBrand, context: AnswerContext): number {
  const base = perProvider(brand.visibility, context.provider, 0.5);
  const topic = topicOf(market, context.prompt);
  const topicFactor = topic ? (brand.topicAffinity?.[topic.name.toLowerCase()] ?? 1) : 1;
  const surfaceFactor = context.surface === 'api_web_search' ? (brand.webSearchFactor ?? 1) : 1;
  const drift = brand.drift
    ? 1 +
      brand.drift.amplitude *
        Math.sin(2 * Math.PI * (dayNumber(context.date) / brand.drift.periodDays + brand.drift.phase))
    : 1;
  return clamp(base * topicFactor * surfaceFactor * drift, 0, 0.98);
}

/** The brand named when every visibility draw fails (assistants still name someone): the most visible one. */
export function fallbackBrand(market: Market, context: AnswerContext, exclude: MarketBrand | null): MarketBrand | null {
  let best: MarketBrand | null = null;
  let bestValue = -1;
  for (const brand of market.brands) {
    if (brand === exclude) continue;
    const value = effectiveVisibility(market, brand, context);
    if (value > bestValue) {
      best = brand;
      bestValue = value;
    }
  }
  return best;
}

/** The planted probability that an answer in `context` names the brand called `name` (0 for an unknown name). */
export function plantedMentionRate(market: Market, name: string, context: AnswerContext): number {
  const brand = market.brands.find((b) => b.name === name);
  if (!brand) return 0;
  const named = brandsInPrompt(market, context.prompt);
  if (named.length > 0) return named.includes(brand) ? 1 : effectiveVisibility(market, brand, context);
  const noBrand = perProvider(market.noBrandRate, context.provider, 0.12);
  const p = effectiveVisibility(market, brand, context);
  const top = fallbackBrand(market, context, null);
  const nobody = market.brands.reduce((acc, b) => acc * (1 - effectiveVisibility(market, b, context)), 1);
  return (1 - noBrand) * (p + (top === brand ? nobody : 0));
}

/** Each source's share of a provider's citations (normalised weights). */
export function sourceShares(market: Market, provider: ProviderId): { source: MarketSource; share: number }[] {
  const weights = market.sources.map((source) => Math.max(0, perProvider(source.share, provider, 1)));
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  return market.sources.map((source, i) => ({ source, share: (weights[i] ?? 0) / total }));
}
