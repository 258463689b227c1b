import type { Analysis, AnalysisInput, TrackedEntity } from '../analysis/types.ts';

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
