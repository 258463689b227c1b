import type { SentimentJudgeSetting } from '../contracts/run-settings.ts';
import { ValidationError } from './errors.ts';
import { checkModel, type ModelCatalogue } from './model-catalogue.ts';
import { findModelPrice } from './pricing.ts';

/**
 * What one judge call is assumed to use when its cost is shown before it is turned on: the fenced answer (a 2 KB
 * answer is ~550 tokens) plus the instructions and JSON Schema (~350 tokens) in, one short verdict per brand out.
 * The recorded cost of each real call comes from the provider's reported usage, not from this.
 */
export const JUDGE_CALL_TOKENS = { input: 900, output: 150 } as const;

/** Estimated USD per 1,000 judged answers for a judge model, or null when the model is not priced. */
export function judgeCostPer1000(setting: SentimentJudgeSetting): number | null {
  const price = findModelPrice(setting.provider, setting.model);
  if (!price) return null;
  const perCall =
    (JUDGE_CALL_TOKENS.input * price.inputPerMTok + JUDGE_CALL_TOKENS.output * price.outputPerMTok) / 1_000_000 +
    (price.requestPer1k ?? 0) / 1000;
  return Math.round(perCall * 1000 * 10_000) / 10_000;
}

/**
 * A judge model must be offered on the plain API surface today and have a price, so that every call it makes can be
 * counted against the spend caps. @throws ValidationError naming `sentimentJudge.model`.
 */
export function assertJudgeModelUsable(catalogue: ModelCatalogue, setting: SentimentJudgeSetting, today: string): void {
  const check = checkModel(catalogue, setting.provider, setting.model, 'api', today);
  const message = !check.ok
    ? check.reason === 'retired'
      ? `${setting.model} was retired on ${check.retiredOn}${check.successor ? `; use ${check.successor}` : ''}`
      : `${setting.model} is not offered on the API surface for this provider`
    : findModelPrice(setting.provider, setting.model) === null
      ? `${setting.model} has no price in the price table, so its cost could not be counted against the spend caps`
      : null;
  if (message === null) return;
  throw new ValidationError('The sentiment judge model cannot be used', {
    code: 'invalid_sentiment_judge',
    details: [{ path: 'sentimentJudge.model', message }],
  });
}
