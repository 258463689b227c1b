import type OpenAI from 'openai';
import { ProviderRefusedError } from '#shared/domain/provider-errors.ts';
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
  expectObject,
  isTruncation,
  localeCountry,
  uncitedSources,
} from './common.ts';
import { mapOpenAiSdkError } from './openai-errors.ts';

/**
 * Perplexity Sonar through its OpenAI-compatible Chat Completions API (the `openai` SDK with Perplexity's base URL).
 * Sonar searches the web by itself: the web-search surface is its normal mode and returns `citations` (URLs, in the
 * order of the `[n]` markers) and `search_results` (with titles); the plain surface sends `disable_search: true`.
 */
export class PerplexityProvider implements AiProvider {
  readonly id = 'perplexity' as const;
  readonly #client: OpenAI;
  readonly #options: AdapterOptions;

  /** @param client an `openai` client on Perplexity's base URL, built by {@link createPerplexityClient}. */
  constructor(client: OpenAI, options: AdapterOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  async ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult> {
    const { now, scope, sdkTimeoutMs, headers } = beginCall(this.#options, request, signal);
    const country = localeCountry(request.locale);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
    if (request.system) messages.push({ role: 'system', content: request.system });
    messages.push({ role: 'user', content: request.prompt });
    // Perplexity-specific fields ride along in the body; the SDK forwards unknown keys as they are.
    const params = {
      model: request.model,
      messages,
      max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      ...(request.surface === 'api'
        ? { disable_search: true }
        : {
            web_search_options: {
              search_context_size: 'low' as const,
              ...(country ? { user_location: { country } } : {}),
            },
          }),
    };
    const started = now();
    try {
      const { data, request_id } = await this.#client.chat.completions
        .create(params as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, {
          signal: scope.signal,
          timeout: sdkTimeoutMs,
          headers,
        })
        .withResponse();
      const latencyMs = Math.max(0, Math.round(now() - started));
      const body = expectObject(this.id, data, 'chat completion', request_id);
      const providerRequestId = request_id ?? asString(body['id']);
      const choice = asObject(asArray(body['choices'])[0]);
      const message = asObject(choice['message']);
      const finishReason = asString(choice['finish_reason']);
      if (finishReason === 'content_filter' || asString(message['refusal'])) {
        throw new ProviderRefusedError('perplexity: the model declined to answer', {
          provider: this.id,
          providerRequestId,
          providerCode: finishReason ?? 'refusal',
        });
      }
      const text = asString(message['content'])?.trim() ?? '';
      if (!text) throw emptyAnswer(this.id, providerRequestId, `finish_reason ${finishReason ?? 'missing'}`);
      const results = asArray(body['search_results']).map(asObject);
      const titleOf = new Map(results.map((r) => [asString(r['url']), asString(r['title'])]));
      // `citations` are the sources behind the `[n]` markers; `search_results` also holds pages searched but not
      // cited (kept apart as retrieved sources). Older responses had `search_results` only: then they are the citations.
      const markerUrls = asArray(body['citations']);
      const fromResults = results.map((r) => ({ url: asString(r['url']), title: asString(r['title']) }));
      const citations = dedupeCitations(
        markerUrls.length > 0
          ? markerUrls.map((url) => ({ url: asString(url), title: titleOf.get(asString(url)) ?? null }))
          : fromResults,
      );
      const usageJson = asObject(body['usage']);
      const usage: AnswerUsage = {
        inputTokens: count(usageJson['prompt_tokens']),
        outputTokens: count(usageJson['completion_tokens']),
        cachedInputTokens: 0,
        webSearchRequests:
          request.surface === 'api_web_search' ? Math.max(1, count(usageJson['num_search_queries'])) : 0,
      };
      const modelVersion = asString(body['model']);
      // Perplexity reports what it charged (`usage.cost.total_cost`, request fee and search included): use it
      // rather than our estimate when present.
      const reported = asObject(usageJson['cost'])['total_cost'];
      const cost =
        typeof reported === 'number' && Number.isFinite(reported) && reported >= 0
          ? { usd: reported, priceTableVersion: 'provider-reported' }
          : costOf(this.id, request.model, modelVersion, usage, this.#options.priceTable);
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
        cost,
        providerRequestId,
        finishReason: finishReason?.toLowerCase() ?? null,
        truncated: isTruncation(finishReason),
        retrievedSources: uncitedSources(fromResults, citations),
      };
    } catch (error) {
      throw mapOpenAiSdkError(this.id, error, scope, this.#client.constructor as typeof OpenAI);
    } finally {
      scope.dispose();
    }
  }
}
