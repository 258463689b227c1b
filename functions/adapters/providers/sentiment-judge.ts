/**
 * The LLM sentiment judge over the AI provider port: sends the engine's judge request (untrusted text already fenced,
 * JSON Schema in the instructions) as one plain `api` question and returns the model's raw text, which the engine
 * validates (shared/analysis/judge.ts) and falls back from. The answer's usage and cost are handed to `onCost` so the
 * caller can count them against the workspace's spend cap; only the per-brand verdicts the rules leave
 * low-confidence are sent (`lowConfidenceEntityIds`, shared/use-cases/judge-sentiment.ts).
 */

import type { AiProvider, AskResult } from '../../../shared/ports/ai-provider.ts';
import type { SentimentJudge, SentimentJudgeFactory, SentimentJudgeRequest } from '../../../shared/ports/analysis.ts';

export interface ProviderJudgeOptions {
  /** Model id as the provider names it (a small, cheap model is enough). */
  model: string;
  /** Upper bound on output tokens: a verdict per entity fits in a few hundred. @default 400 */
  maxOutputTokens?: number;
  /** Called with every provider answer (usage and estimated cost) so it can be counted against spend caps. */
  onCost?: (result: AskResult) => void;
  /** Id for the provider call (idempotency/trace). @default a counter-based id */
  requestId?: () => string;
}

let counter = 0;

/** A {@link SentimentJudge} that asks one AI provider through the provider port. */
export function createProviderSentimentJudge(provider: AiProvider, options: ProviderJudgeOptions): SentimentJudge {
  const maxOutputTokens = options.maxOutputTokens ?? 400;
  return {
    model: `${provider.id}:${options.model}`,
    async judge(request: SentimentJudgeRequest, signal?: AbortSignal): Promise<unknown> {
      const result = await provider.ask(
        {
          prompt: request.user,
          system: `${request.system}\nThe JSON must validate against this JSON Schema:\n${JSON.stringify(request.outputSchema)}`,
          model: options.model,
          locale: 'en-US',
          surface: 'api',
          requestId: options.requestId?.() ?? `sentiment-judge-${Date.now().toString(36)}-${(counter++).toString(36)}`,
          maxOutputTokens,
        },
        signal,
      );
      options.onCost?.(result);
      return result.text;
    },
  };
}

/**
 * The {@link SentimentJudgeFactory} of the fan-out's Analyze step: a judge over the wired providers whose every call
 * reports its usage and price-table cost (shared/use-cases/judge-sentiment.ts records them in the usage ledger).
 */
export function providerJudgeFactory(providers: { get(id: AiProvider['id']): AiProvider }): SentimentJudgeFactory {
  return (provider, model, onCost) =>
    createProviderSentimentJudge(providers.get(provider), {
      model,
      onCost: (r) => onCost({ inputTokens: r.usage.inputTokens, outputTokens: r.usage.outputTokens, usd: r.cost.usd }),
    });
}

/** Which texts go to the judge: decided by the engine (shared/analysis/judge-gate.ts), re-exported for callers. */
export { needsJudge } from '../../../shared/analysis/judge-gate.ts';
