import type { Analysis, AnalysisInput, TrackedEntity } from '../analysis/types.ts';
import type { ProviderId } from './ai-provider.ts';

/**
 * The text-analysis port the fan-out (answers) and connector (signals) workflows call. The default implementation
 * is the pure offline engine in shared/analysis (`createAnalyzer`); it is synchronous and never throws on input.
 */
export interface TextAnalyzer {
  /** Fingerprint of the entity configuration the analyzer was built with (stored next to each analysis). */
  readonly configFingerprint: string;
  analyze(input: AnalysisInput): Analysis;
}

/** Builds an analyzer for one workspace's entity configuration. */
export type TextAnalyzerFactory = (entities: readonly TrackedEntity[]) => TextAnalyzer;

/**
 * A request to an LLM judge for per-entity sentiment. The untrusted text is already delimited inside `user`;
 * adapters send `system` and `user` as-is through the provider port and return the model's raw output.
 */
export interface SentimentJudgeRequest {
  system: string;
  user: string;
  /** JSON Schema the output must follow (for providers with structured output). */
  outputSchema: Record<string, unknown>;
  /** Entity ids the judge is asked about. */
  entityIds: string[];
}

/**
 * Optional LLM judge, implemented by an adapter over the AI provider port when keys are configured.
 * Returns the model's raw output (string or parsed JSON); the engine validates it and falls back to the offline
 * score when it is invalid.
 */
export interface SentimentJudge {
  readonly model: string;
  judge(request: SentimentJudgeRequest, signal?: AbortSignal): Promise<unknown>;
}

/** Usage and cost of one judge call as the provider reported them (cost from the price table; null if unpriced). */
export interface JudgeCallCost {
  inputTokens: number;
  outputTokens: number;
  usd: number | null;
}

/**
 * Builds a {@link SentimentJudge} over one provider model; every call's usage and cost are handed to `onCost` so the
 * caller records them against the workspace's spend caps. Wired only where the AI providers are.
 */
export type SentimentJudgeFactory = (
  provider: ProviderId,
  model: string,
  onCost: (cost: JudgeCallCost) => void,
) => SentimentJudge;
