/**
 * The LLM sentiment judge over the AI provider port: sends the engine's judge request (untrusted text already fenced,
 * JSON Schema in the instructions) as one plain `api` question and returns the model's raw text, which the engine
 * validates (shared/analysis/judge.ts) and falls back from. The answer's usage and cost are handed to `onCost` so the
 * caller can count them against the workspace's spend cap; only texts the rules mark ambiguous should be sent
 * (`needsJudge`).
 */

import type { Analysis } from '../../../shared/analysis/types.ts';
import type { AiProvider, AskResult } from '../../../shared/ports/ai-provider.ts';
import type { SentimentJudge, SentimentJudgeRequest } from '../../../shared/ports/analysis.ts';

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

/** Scores closer to 0 than this, with evidence behind them, are not a confident verdict. */
const WEAK_SCORE = 0.15;

/**
 * True when the offline analysis leaves a mentioned entity's sentiment ambiguous: labelled `mixed`, or a weak score
 * despite opinion-bearing evidence, or two entities in the text with opposite signs in one sentence (where the rules
 * most often misattribute). Texts with no mention or only clear verdicts stay offline.
 */
export function needsJudge(analysis: Analysis): boolean {
  for (const e of analysis.entities) {
    if (!e.mentioned) continue;
    if (e.sentiment.label === 'mixed') return true;
    if (e.sentiment.evidence > 0 && e.sentiment.score !== 0 && Math.abs(e.sentiment.score) < WEAK_SCORE) return true;
  }
  const bySentence = new Map<number, number[]>();
  for (const m of analysis.mentions) {
    if (m.via !== 'text') continue;
    const arr = bySentence.get(m.sentenceIndex) ?? [];
    arr.push(m.sentiment);
    bySentence.set(m.sentenceIndex, arr);
  }
  for (const scores of bySentence.values()) {
    if (scores.some((s) => s > 0.05) && scores.some((s) => s < -0.05)) return true;
  }
  return false;
}
