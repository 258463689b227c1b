/**
 * The AI provider port: one question to one AI assistant, one answer back. Adapters (functions/adapters/providers)
 * implement it over the vendors' SDKs; the fan-out workflow and the sentiment judge only ever see this interface.
 *
 * Failures are thrown as the typed errors of `shared/domain/provider-errors.ts`, whose `name` is what Step Functions
 * `Retry`/`Catch` match on.
 */

/** Providers PromptPulse can ask. */
export const PROVIDER_IDS = ['openai', 'anthropic', 'gemini', 'perplexity'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * How the assistant was reached. `api` is the plain model answer (training knowledge only); `api_web_search` is the
 * provider's web-search-grounded variant (OpenAI Responses `web_search` tool, Anthropic web search server tool,
 * Gemini Google Search grounding, Perplexity Sonar's built-in search), which returns citations.
 */
export const ANSWER_SURFACES = ['api', 'api_web_search'] as const;
export type AnswerSurface = (typeof ANSWER_SURFACES)[number];

/** One question to one AI assistant. */
export interface AskRequest {
  /** The tracked prompt, verbatim. Untrusted data: sent as the user message, never interpolated into instructions. */
  prompt: string;
  /** Model id as the provider names it, e.g. `gpt-4.1-mini`, `claude-sonnet-4-5`, `gemini-2.5-flash`, `sonar`. */
  model: string;
  /** BCP 47 locale of the prompt, e.g. `en-US`; its region becomes the web search's approximate user location. */
  locale: string;
  /** Plain API answer, or the provider's web-search-grounded variant. */
  surface: AnswerSurface;
  /** Idempotency/trace id of the work item, also sent to the provider where it accepts one. */
  requestId: string;
  /** Index of this sample among the N samples of the same prompt (0-based). @default 0 */
  sampleIndex?: number;
  /** Optional system instructions (used by the sentiment judge; tracked prompts are sent without any). */
  system?: string;
  /**
   * Upper bound on answer tokens (visible text; a thinking model's budget comes on top). Long "best tools" lists run
   * past 1,000 tokens, so the default leaves room for them. @default 4096
   */
  maxOutputTokens?: number;
}

/** A source the provider says the answer is based on, as the provider returned it. */
export interface AnswerCitation {
  url: string;
  title?: string;
}

/** Token usage as reported by the provider (never estimated locally). */
export interface AnswerUsage {
  inputTokens: number;
  outputTokens: number;
  /** Tokens served from the provider's prompt cache (part of `inputTokens`). @default 0 */
  cachedInputTokens?: number;
  /** Web searches the provider ran and bills for (0 for the plain surface). @default 0 */
  webSearchRequests?: number;
}

/** Estimated cost of one answer, from the versioned price table in `shared/domain/pricing.ts`. */
export interface AnswerCost {
  /** Estimated USD, or null when the model is not in the price table (never silently 0). */
  usd: number | null;
  /** Version of the price table the estimate was made with (`provider-reported` when the provider said it). */
  priceTableVersion: string;
}

export interface AskResult {
  provider: ProviderId;
  /** Model requested. */
  model: string;
  /** Model (snapshot) the provider says answered, e.g. `gpt-4.1-mini-2025-04-14`; null when it does not say. */
  modelVersion: string | null;
  surface: AnswerSurface;
  locale: string;
  /** The answer text (markdown as the provider returned it). Untrusted data. */
  text: string;
  /** Citations as returned by the provider, deduplicated by URL in first-seen order. */
  citations: AnswerCitation[];
  /** Wall time of the provider call, in milliseconds. */
  latencyMs: number;
  usage: AnswerUsage;
  cost: AnswerCost;
  /** The provider's request id (`x-request-id`, `request-id`, Gemini `responseId`), for support tickets. */
  providerRequestId: string | null;
  /** The provider's stop/finish reason, normalised to lower case (`stop`, `end_turn`, `length`, ...). */
  finishReason: string | null;
  /**
   * The answer was cut off by the output cap (`length`, `max_tokens`, `MAX_TOKENS`, `incomplete`): brands late in a
   * list may be missing, so the answer is kept but marked.
   */
  truncated: boolean;
  /**
   * Sources the provider searched or read but did not cite (OpenAI `web_search_call.action.sources`, Anthropic
   * search results, Perplexity search results without a marker), deduplicated by URL and without the cited ones.
   * A weaker signal than a citation: the page was in front of the model.
   */
  retrievedSources: AnswerCitation[];
}

/** An AI provider behind one interface (OpenAI, Anthropic, Gemini, Perplexity...). */
export interface AiProvider {
  readonly id: ProviderId;
  /**
   * Asks one question. Resolves with a non-empty answer or rejects with a typed provider error; the adapter does
   * not retry (the workflow owns retries). Aborting `signal` rejects with `ProviderAbortedError`.
   */
  ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult>;
}
