/** One question to one AI assistant. */
export interface AskRequest {
  prompt: string;
  model: string;
  locale: string;
  /** Plain API answer, or the provider's web-search-grounded variant. */
  surface: 'api' | 'api_web_search';
  /** Idempotency/trace id, also sent to the provider where it accepts one. */
  requestId: string;
}

export interface AskResult {
  provider: string;
  model: string;
  modelVersion: string | null;
  surface: AskRequest['surface'];
  text: string;
  citations: { url: string; title?: string }[];
  latencyMs: number;
  usage: { inputTokens: number; outputTokens: number };
  providerRequestId: string | null;
}

/** An AI provider behind one interface (OpenAI, Anthropic, Gemini, Perplexity...). */
export interface AiProvider {
  readonly id: string;
  ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult>;
}
