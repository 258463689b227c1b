// The SDK's web build: the same client for the Gemini Developer API (API key, fetch), without the Node build's
// Vertex AI auth library, WebSocket and stream polyfills. Node 20+ has fetch. Types only here: the SDK is imported
// when a client is first built (registry.ts), not at cold start.
import type { ApiError, GoogleGenAI, ThinkingConfig } from '@google/genai/web';
import {
  type ProviderError,
  ProviderIncompleteError,
  ProviderQuotaError,
  ProviderRefusedError,
  ProviderTimeoutError,
} from '#shared/domain/provider-errors.ts';
import type { AiProvider, AnswerUsage, AskRequest, AskResult } from '#shared/ports/ai-provider.ts';
import {
  type AdapterOptions,
  asArray,
  asObject,
  asString,
  beginCall,
  costOf,
  count,
  DEFAULT_MAX_OUTPUT_TOKENS,
  dedupeCitations,
  emptyAnswer,
  errorForStatus,
  expectObject,
  type HeaderReader,
  type Json,
  mapGenericError,
  retryAfterMsFromHeaders,
} from './common.ts';
import { GroundingRedirectResolver } from './grounding-redirects.ts';

/** Finish reasons meaning the model (or its safety layer) declined to answer. */
const REFUSAL_FINISH_REASONS = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'LANGUAGE',
]);

export interface GeminiAdapterOptions extends AdapterOptions {
  /** Underlying fetch (tests). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Resolves `grounding-api-redirect` citation URIs to their targets. @default a resolver with the strict guard */
  redirects?: GroundingRedirectResolver;
}

/**
 * Thinking per model. Gemini 2.5 Pro cannot switch thinking off and, left to decide (`-1`), may spend the whole
 * output cap thinking and return `MAX_TOKENS` with no text; so every thinking model gets a fixed budget, and the
 * output cap sent is the answer cap plus that budget (thinking tokens count against `maxOutputTokens`). Models
 * without thinking get no `thinkingConfig` (they reject it).
 */
export function geminiThinking(model: string): { thinkingBudget?: number; thinkingLevel?: 'LOW' } | null {
  const id = model.toLowerCase().replace(/^models\//, '');
  if (id.startsWith('gemini-3')) return { thinkingLevel: 'LOW' };
  if (id.startsWith('gemini-2.5-pro')) return { thinkingBudget: 2048 };
  if (id.startsWith('gemini-2.5-flash-lite')) return { thinkingBudget: 0 };
  if (id.startsWith('gemini-2.5-flash')) return { thinkingBudget: 1024 };
  return null;
}

/** Output tokens to reserve for thinking on top of the answer cap (`thinkingLevel: LOW` stays well under 2,048). */
function thinkingReserve(thinking: ReturnType<typeof geminiThinking>): number {
  if (!thinking) return 0;
  return thinking.thinkingLevel ? 2048 : (thinking.thinkingBudget ?? 0);
}

/**
 * Google Gemini (Gemini Developer API) through `@google/genai`. The web-search surface enables the `googleSearch`
 * tool ("grounding with Google Search"); sources come back in `groundingMetadata.groundingChunks[].web` as
 * `vertexaisearch.cloud.google.com` redirect URIs with the source's domain as title, resolved to their targets by
 * {@link GroundingRedirectResolver}. Thinking models get a fixed budget ({@link geminiThinking}).
 */
export class GeminiProvider implements AiProvider {
  readonly id = 'gemini' as const;
  readonly #client: GoogleGenAI;
  readonly #options: GeminiAdapterOptions;

  /** @param client built by {@link createGeminiClient} (no SDK retries: the workflow owns retries). */
  readonly #redirects: GroundingRedirectResolver;

  constructor(client: GoogleGenAI, options: GeminiAdapterOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.#redirects = options.redirects ?? new GroundingRedirectResolver();
  }

  async ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult> {
    const { now, scope, sdkTimeoutMs, headers } = beginCall(this.#options, request, signal);
    // The SDK's ApiError keeps only the status and body text, so the response headers (retry-after, request id) are
    // captured on the way through a per-call fetch wrapper.
    const captured: { headers: HeaderReader | null } = { headers: null };
    const baseFetch = this.#options.fetch ?? globalThis.fetch;
    const capturingFetch: typeof fetch = async (input, init) => {
      const response = await baseFetch(input, init);
      captured.headers = response.headers;
      return response;
    };
    const started = now();
    const thinking = geminiThinking(request.model);
    const answerCap = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    try {
      const response = await this.#client.models.generateContent({
        model: request.model,
        contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
        config: {
          ...(request.system ? { systemInstruction: request.system } : {}),
          maxOutputTokens: answerCap + thinkingReserve(thinking),
          ...(thinking ? { thinkingConfig: thinking as ThinkingConfig } : {}),
          ...(request.surface === 'api_web_search' ? { tools: [{ googleSearch: {} }] } : {}),
          abortSignal: scope.signal,
          // Our deadline fires first; the SDK's own timeout is only a backstop.
          httpOptions: { timeout: sdkTimeoutMs, headers, fetch: capturingFetch },
        },
      });
      const latencyMs = Math.max(0, Math.round(now() - started));
      const requestIdHeader = captured.headers?.get('x-request-id') ?? null;
      const body = expectObject(this.id, response, 'generateContent response', requestIdHeader);
      const providerRequestId = asString(body['responseId']) ?? requestIdHeader;
      const blockReason = asString(asObject(body['promptFeedback'])['blockReason']);
      if (blockReason) {
        throw new ProviderRefusedError(`gemini: prompt blocked (${blockReason})`, {
          provider: this.id,
          providerRequestId,
          providerCode: blockReason,
        });
      }
      const candidate = asObject(asArray(body['candidates'])[0]);
      const finishReason = asString(candidate['finishReason']);
      const parts = asArray(asObject(candidate['content'])['parts']).map(asObject);
      const text = parts
        .filter((part) => part['thought'] !== true)
        .map((part) => asString(part['text']) ?? '')
        .join('')
        .trim();
      if (finishReason && REFUSAL_FINISH_REASONS.has(finishReason) && !text) {
        throw new ProviderRefusedError(`gemini: the model declined to answer (${finishReason})`, {
          provider: this.id,
          providerRequestId,
          providerCode: finishReason,
        });
      }
      const usageJson = asObject(body['usageMetadata']);
      if (!text && finishReason === 'MAX_TOKENS') {
        // Asking again with the same caps is billed and ends the same way: not retried, and said why.
        const thoughts = count(usageJson['thoughtsTokenCount']);
        throw new ProviderIncompleteError(
          `gemini: the output cap (${answerCap + thinkingReserve(thinking)} tokens) was used up before any answer text` +
            (thoughts ? ` (${thoughts} tokens spent thinking)` : ''),
          { provider: this.id, providerRequestId, providerCode: 'MAX_TOKENS' },
        );
      }
      if (!text) throw emptyAnswer(this.id, providerRequestId, `finishReason ${finishReason ?? 'missing'}`);
      const grounding = asObject(candidate['groundingMetadata']);
      const chunks = asArray(grounding['groundingChunks']).map((chunk) => asObject(asObject(chunk)['web']));
      const grounded = chunks.length > 0 || asArray(grounding['webSearchQueries']).length > 0;
      const usage: AnswerUsage = {
        inputTokens: count(usageJson['promptTokenCount']) + count(usageJson['toolUsePromptTokenCount']),
        // Thinking tokens are billed as output.
        outputTokens: count(usageJson['candidatesTokenCount']) + count(usageJson['thoughtsTokenCount']),
        cachedInputTokens: count(usageJson['cachedContentTokenCount']),
        webSearchRequests: request.surface === 'api_web_search' && grounded ? 1 : 0,
      };
      const modelVersion = asString(body['modelVersion']);
      const returned = dedupeCitations(
        chunks.map((web) => ({ url: asString(web['uri']), title: asString(web['title']) })),
      );
      const citations = dedupeCitations(await this.#redirects.resolve(returned, scope.signal));
      return {
        provider: this.id,
        model: request.model,
        modelVersion,
        surface: request.surface,
        locale: request.locale,
        text,
        citations,
        latencyMs,
        usage,
        cost: costOf(this.id, request.model, modelVersion, usage, this.#options.priceTable),
        providerRequestId,
        finishReason: finishReason?.toLowerCase() ?? null,
        truncated: finishReason === 'MAX_TOKENS',
        // Every grounding chunk is kept as a citation (Gemini shows them all as sources); nothing else is retrieved.
        retrievedSources: [],
      };
    } catch (error) {
      // Loaded already (this client came from it): the module cache answers.
      const { ApiError: GeminiApiError } = await import('@google/genai/web');
      throw mapGeminiError(error, scope, captured.headers, GeminiApiError);
    } finally {
      scope.dispose();
    }
  }
}

/** `"12s"`, `"0.5s"` (google.protobuf.Duration JSON) → ms. */
function durationMs(value: unknown): number | null {
  const text = asString(value);
  const match = text ? /^(\d+(?:\.\d+)?)s$/.exec(text.trim()) : null;
  return match ? Math.min(Math.round(Number(match[1]) * 1000), 3_600_000) : null;
}

/** The `quotaId` of a per-day `google.rpc.QuotaFailure` violation (`GenerateRequestsPerDayPerProjectPerModel`). */
function dailyQuotaId(body: Json): string | null {
  for (const detail of asArray(body['details']).map(asObject)) {
    if (!asString(detail['@type'])?.endsWith('google.rpc.QuotaFailure')) continue;
    for (const violation of asArray(detail['violations']).map(asObject)) {
      const id = asString(violation['quotaId']);
      if (id && /PerDay/i.test(id)) return id;
    }
  }
  return null;
}

/** Gemini's daily quotas reset at midnight Pacific time (taken as UTC-8, so never early by more than an hour). */
function nextPacificMidnight(now = Date.now()): string {
  const pacific = new Date(now - 8 * 3_600_000);
  const next = Date.UTC(pacific.getUTCFullYear(), pacific.getUTCMonth(), pacific.getUTCDate() + 1) + 8 * 3_600_000;
  return new Date(next).toISOString();
}

/**
 * Maps a failure of `@google/genai`. Its ApiError message is the JSON error body
 * (`{error:{code,message,status,details}}`); a 429 may carry a `google.rpc.RetryInfo` detail with `retryDelay`.
 */
export function mapGeminiError(
  error: unknown,
  scope: { reason(): 'aborted' | 'timeout' | null },
  headers: HeaderReader | null,
  apiErrorClass: typeof ApiError,
): ProviderError {
  const provider = 'gemini';
  if (error instanceof apiErrorClass) {
    let body: Json = {};
    try {
      body = asObject(asObject(JSON.parse(error.message))['error']);
    } catch {
      // Not JSON (a proxy's HTML page): keep the status only.
    }
    const code = asString(body['status']);
    const retryInfo = asArray(body['details'])
      .map(asObject)
      .find((detail) => asString(detail['@type'])?.endsWith('google.rpc.RetryInfo'));
    const retryAfterMs = retryAfterMsFromHeaders(headers) ?? durationMs(retryInfo?.['retryDelay']);
    const dailyQuota = error.status === 429 ? dailyQuotaId(body) : null;
    if (dailyQuota) {
      // A per-day quota (free tier, or a project cap) comes back tomorrow, not in a few seconds: pause, do not retry.
      return new ProviderQuotaError(`gemini: daily quota exhausted (${dailyQuota})`, {
        provider,
        status: error.status,
        providerRequestId: headers?.get('x-request-id') ?? null,
        providerCode: code ?? 'RESOURCE_EXHAUSTED',
        resumesAt: nextPacificMidnight(),
        cause: error,
      });
    }
    return errorForStatus(error.status, `HTTP ${error.status}${code ? ` (${code})` : ''}`, {
      provider,
      status: error.status,
      providerRequestId: headers?.get('x-request-id') ?? null,
      providerCode: code,
      retryAfterMs,
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : '';
  if (!scope.reason() && (name === 'AbortError' || name === 'TimeoutError')) {
    // The SDK's own backstop timeout fired (ours did not, so the scope cannot tell).
    return new ProviderTimeoutError('gemini: request timed out', { provider, cause: error });
  }
  return mapGenericError(provider, error, scope);
}
