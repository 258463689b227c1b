import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import type { ProviderFaults } from './faults.ts';
import type { Rng } from './rng.ts';

/**
 * What makes the simulator behave like the real APIs by default (not behind a flag): per-provider odd-but-normal
 * behaviour rates, heavy-tailed latency, the model families each API accepts, and how much Gemini thinks.
 * Sources: the providers' API docs and the SDKs' response types (openai, @anthropic-ai/sdk, @google/genai).
 */

/**
 * Rates every request is drawn against unless the fault config says otherwise (`faults` merge over this). They are
 * normal responses the adapters must handle, not outages: Anthropic pauses long server-tool turns
 * (`stop_reason: pause_turn`) and reports failed searches inside a 200 (`web_search_tool_result_error`); OpenAI's
 * web search has failed and page-open steps.
 */
export const REALISTIC_BEHAVIOUR: Readonly<Record<ProviderId, ProviderFaults>> = {
  openai: { failedSearchStepRate: 0.1 },
  anthropic: { pauseTurnRate: 0.08, searchErrorRate: 0.03 },
  gemini: {},
  perplexity: {},
};

/**
 * Median and log-spread of a response's latency per provider and surface (ms). Log-normal: most answers come in
 * around the median, a few take several times longer (p95 ≈ 2.7 × median, p99 ≈ 4 ×). Web search is slower: the
 * provider searches and reads before writing. Scaled by the simulator's `latencyScale` (tests use a small one).
 */
const LATENCY: Record<ProviderId, Record<AnswerSurface, { medianMs: number; sigma: number }>> = {
  openai: { api: { medianMs: 2_500, sigma: 0.6 }, api_web_search: { medianMs: 7_000, sigma: 0.6 } },
  anthropic: { api: { medianMs: 4_000, sigma: 0.6 }, api_web_search: { medianMs: 12_000, sigma: 0.65 } },
  gemini: { api: { medianMs: 3_500, sigma: 0.7 }, api_web_search: { medianMs: 6_500, sigma: 0.7 } },
  perplexity: { api: { medianMs: 2_000, sigma: 0.5 }, api_web_search: { medianMs: 4_000, sigma: 0.55 } },
};
const MAX_LATENCY_MS = 120_000;

/** A heavy-tailed latency draw (two draws from `rng`, always, to keep the stream aligned). */
export function realisticLatencyMs(provider: ProviderId, surface: AnswerSurface, rng: Rng, scale: number): number {
  const u1 = Math.max(rng(), 1e-12);
  const u2 = rng();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const { medianMs, sigma } = LATENCY[provider][surface];
  return Math.round(Math.min(MAX_LATENCY_MS, medianMs * Math.exp(sigma * z)) * Math.max(0, scale));
}

/** Model ids each API serves (families; Perplexity lists its models exactly). Others get the API's not-found. */
const MODEL_FAMILIES: Record<ProviderId, RegExp> = {
  openai: /^(gpt-|chatgpt-|o[1-9](-|$))/,
  anthropic: /^claude-/,
  gemini: /^(models\/)?gemini-/,
  perplexity: /^(sonar|sonar-pro|sonar-reasoning|sonar-reasoning-pro|sonar-deep-research|r1-1776)$/,
};

export function isKnownModel(provider: ProviderId, model: string): boolean {
  return MODEL_FAMILIES[provider].test(model);
}

/**
 * Thinking tokens Gemini spends on one answer. With a `thinkingBudget` the model stays at or under it (0 = off,
 * refused by 2.5 Pro); without one (dynamic) it decides, and on a "compare the best tools" prompt 2.5 Pro often
 * spends thousands of tokens: enough to use up a 1,024-token cap before writing anything.
 */
export function geminiThoughts(
  model: string,
  thinking: { thinkingBudget?: number; thinkingLevel?: string } | null,
  rng: Rng,
): number {
  const draw = rng();
  const id = model.replace(/^models\//, '');
  const thinks = /^gemini-(2\.5|3)/.test(id) && !/flash-lite/.test(id);
  if (!thinks && thinking?.thinkingBudget === undefined) return 0;
  const dynamicMax = /pro/.test(id) ? 8_000 : 3_000;
  const dynamicMin = /pro/.test(id) ? 600 : 200;
  // Heavy-tailed: most answers think a little, some a lot.
  const dynamic = Math.round(dynamicMin + (dynamicMax - dynamicMin) * draw ** 2);
  if (thinking?.thinkingLevel) return Math.min(dynamic, thinking.thinkingLevel === 'LOW' ? 1_024 : dynamicMax);
  const budget = thinking?.thinkingBudget;
  if (budget === undefined || budget < 0) return dynamic;
  return Math.min(dynamic, budget);
}

/** Gemini 2.5 Pro cannot switch thinking off: a 0 budget is a 400. */
export function geminiThinkingRefusal(model: string, budget: number | undefined): string | null {
  if (budget === 0 && /gemini-2\.5-pro/.test(model)) {
    return 'Budget 0 is invalid. This model only works in thinking mode.';
  }
  return null;
}

/**
 * Grounding redirect URIs as Gemini returns them. The token is opaque for callers; the simulator encodes the target
 * in it so that its redirect endpoint can answer statelessly.
 */
export const GROUNDING_REDIRECT_PREFIX = 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/';

export function groundingRedirectUri(target: string): string {
  return `${GROUNDING_REDIRECT_PREFIX}AUZIYQ${Buffer.from(target, 'utf8').toString('base64url')}`;
}

export function groundingRedirectTarget(token: string): string | null {
  if (!token.startsWith('AUZIYQ')) return null;
  const target = Buffer.from(token.slice(6), 'base64url').toString('utf8');
  return /^https?:\/\//.test(target) ? target : null;
}
