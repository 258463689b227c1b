import type { BaseAnthropic } from '@anthropic-ai/sdk/client';
import type { Messages } from '@anthropic-ai/sdk/resources/messages';
import {
  type ProviderError,
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
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
  localeCountry,
  mapGenericError,
} from './common.ts';

/**
 * The Anthropic client with only the Messages API, the one this adapter calls: the SDK's documented tree-shakable
 * form (`BaseAnthropic` plus the resources used). The full `Anthropic` class carries every API (beta, batches,
 * files, models...), about 300 KB more in the Ask function's bundle. Built by {@link loadAnthropicMessagesClient}:
 * the SDK is imported on first use, not at cold start.
 */
export type AnthropicMessagesClient = BaseAnthropic & { messages: Messages };

/** The SDK's error classes, as the client class exposes them (`BaseAnthropic.APIError`...). */
export type AnthropicErrorClasses = Pick<
  typeof BaseAnthropic,
  'APIError' | 'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIUserAbortError'
>;

let messagesClientClass: Promise<
  new (
    options: ConstructorParameters<typeof BaseAnthropic>[0],
  ) => AnthropicMessagesClient
> | null = null;

/** The {@link AnthropicMessagesClient} class, defined once the SDK is loaded (a failed import is retried next time). */
export function loadAnthropicMessagesClient() {
  messagesClientClass ??= Promise.all([
    import('@anthropic-ai/sdk/client'),
    import('@anthropic-ai/sdk/resources/messages'),
  ])
    .then(([{ BaseAnthropic: Base }, { Messages: MessagesResource }]) => {
      return class extends Base {
        messages = new MessagesResource(this);
      };
    })
    .catch((error: unknown) => {
      messagesClientClass = null;
      throw error;
    });
  return messagesClientClass;
}

/** Searches Claude may run for one answer on the web-search surface (each is billed). @default 3 */
export const ANTHROPIC_MAX_WEB_SEARCHES = 3;

/**
 * Anthropic Messages API. The web-search surface adds the `web_search` server tool; Claude runs the searches itself
 * and returns text blocks whose `citations` point at the pages (`web_search_result_location`).
 */
export class AnthropicProvider implements AiProvider {
  readonly id = 'anthropic' as const;
  readonly #client: AnthropicMessagesClient;
  readonly #options: AdapterOptions;

  /** @param client built by {@link createAnthropicClient} (`maxRetries: 0`: the workflow owns retries). */
  constructor(client: AnthropicMessagesClient, options: AdapterOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  async ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult> {
    const { now, scope, sdkTimeoutMs, headers } = beginCall(this.#options, request, signal);
    const country = localeCountry(request.locale);
    const started = now();
    try {
      const { data, request_id: requestIdHeader } = await this.#client.messages
        .create(
          {
            model: request.model,
            max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
            ...(request.system ? { system: request.system } : {}),
            messages: [{ role: 'user', content: request.prompt }],
            ...(request.surface === 'api_web_search'
              ? {
                  tools: [
                    {
                      type: 'web_search_20250305' as const,
                      name: 'web_search' as const,
                      max_uses: ANTHROPIC_MAX_WEB_SEARCHES,
                      ...(country ? { user_location: { type: 'approximate' as const, country } } : {}),
                    },
                  ],
                }
              : {}),
          },
          { signal: scope.signal, timeout: sdkTimeoutMs, headers },
        )
        .withResponse();
      const request_id = requestIdHeader ?? null;
      const latencyMs = Math.max(0, Math.round(now() - started));
      const body = expectObject(this.id, data, 'message', request_id);
      const stopReason = asString(body['stop_reason']);
      const blocks = asArray(body['content']).map(asObject);
      if (stopReason === 'refusal') {
        throw new ProviderRefusedError('anthropic: the model declined to answer', {
          provider: this.id,
          providerRequestId: request_id,
          providerCode: 'refusal',
        });
      }
      const citations: { url: string | null; title: string | null }[] = [];
      let text = '';
      // With web search, Claude often writes a preamble ("I'll search for...") before the tool blocks; the answer is
      // the text after the last search result.
      const lastTool = blocks.findLastIndex(
        (block) => block['type'] === 'web_search_tool_result' || block['type'] === 'server_tool_use',
      );
      const answerBlocks = lastTool >= 0 ? blocks.slice(lastTool + 1) : blocks;
      for (const block of answerBlocks) {
        if (block['type'] !== 'text') continue;
        text += asString(block['text']) ?? '';
        for (const citation of asArray(block['citations']).map(asObject)) {
          if (citation['type'] === 'web_search_result_location') {
            citations.push({ url: asString(citation['url']), title: asString(citation['title']) });
          }
        }
      }
      text = text.trim();
      if (!text) throw emptyAnswer(this.id, request_id, `stop_reason ${stopReason ?? 'missing'}`);
      const usageJson = asObject(body['usage']);
      const usage: AnswerUsage = {
        // Anthropic reports cache reads/writes apart from `input_tokens`; the port counts all prompt tokens.
        inputTokens:
          count(usageJson['input_tokens']) +
          count(usageJson['cache_read_input_tokens']) +
          count(usageJson['cache_creation_input_tokens']),
        outputTokens: count(usageJson['output_tokens']),
        cachedInputTokens: count(usageJson['cache_read_input_tokens']),
        webSearchRequests: count(asObject(usageJson['server_tool_use'])['web_search_requests']),
      };
      const modelVersion = asString(body['model']);
      return {
        provider: this.id,
        model: request.model,
        modelVersion,
        surface: request.surface,
        locale: request.locale,
        text,
        citations: dedupeCitations(citations),
        latencyMs,
        usage,
        cost: costOf(this.id, request.model, modelVersion, usage, this.#options.priceTable),
        providerRequestId: request_id ?? asString(body['id']),
        finishReason: stopReason?.toLowerCase() ?? null,
      };
    } catch (error) {
      throw mapAnthropicError(error, scope, this.#client.constructor as typeof BaseAnthropic);
    } finally {
      scope.dispose();
    }
  }
}

/** Maps a failure of `@anthropic-ai/sdk` (529 `overloaded_error` is a 5xx: unavailable). */
export function mapAnthropicError(
  error: unknown,
  scope: { reason(): 'aborted' | 'timeout' | null },
  errors: AnthropicErrorClasses,
): ProviderError {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = errors;
  const provider = 'anthropic';
  if (error instanceof APIUserAbortError) return mapGenericError(provider, error, scope);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderTimeoutError('anthropic: request timed out', { provider, cause: error });
  }
  if (error instanceof APIConnectionError) {
    if (scope.reason()) return mapGenericError(provider, error, scope);
    return new ProviderUnavailableError('anthropic: connection failed', { provider, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const code = error.type ?? asString(asObject(asObject(error.error)['error'])['type']);
    return errorForStatus(error.status, `HTTP ${error.status}${code ? ` (${code})` : ''}`, {
      provider,
      status: error.status,
      providerRequestId: error.requestID ?? null,
      providerCode: code,
      headers: error.headers ?? null,
      cause: error,
    });
  }
  return mapGenericError(provider, error, scope);
}
