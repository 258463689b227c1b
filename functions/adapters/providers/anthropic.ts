import type { BaseAnthropic } from '@anthropic-ai/sdk/client';
import type * as Anthropic from '@anthropic-ai/sdk/resources/messages';
import type { Messages } from '@anthropic-ai/sdk/resources/messages';
import {
  ProviderBadResponseError,
  type ProviderError,
  ProviderQuotaError,
  ProviderRefusedError,
  ProviderThrottledError,
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
  isTruncation,
  type Json,
  localeCountry,
  mapGenericError,
  uncitedSources,
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
    const params = {
      model: request.model,
      max_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
      ...(request.system ? { system: request.system } : {}),
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
    };
    try {
      // A long server-tool turn may come back as `stop_reason: pause_turn`. Per Anthropic's docs the turn is
      // continued by sending the assistant content back as it is (not asked afresh: that bills the searches again).
      const blocks: Json[] = [];
      const usages: Json[] = [];
      let stopReason: string | null = null;
      let requestId: string | null = null;
      let body: Json = {};
      for (let turn = 0; ; turn++) {
        const messages: Anthropic.MessageParam[] = [{ role: 'user', content: request.prompt }];
        if (blocks.length > 0) messages.push({ role: 'assistant', content: blocks as never });
        const { data, request_id: requestIdHeader } = await this.#client.messages
          .create({ ...params, messages }, { signal: scope.signal, timeout: sdkTimeoutMs, headers })
          .withResponse();
        requestId = requestIdHeader ?? requestId;
        body = expectObject(this.id, data, 'message', requestId);
        stopReason = asString(body['stop_reason']);
        blocks.push(...asArray(body['content']).map(asObject));
        usages.push(asObject(body['usage']));
        if (stopReason !== 'pause_turn') break;
        if (turn + 1 >= ANTHROPIC_MAX_CONTINUATIONS) {
          throw new ProviderBadResponseError(
            `anthropic: the turn was still paused after ${ANTHROPIC_MAX_CONTINUATIONS} continuations`,
            { provider: this.id, providerRequestId: requestId, providerCode: 'pause_turn' },
          );
        }
      }
      const latencyMs = Math.max(0, Math.round(now() - started));
      if (stopReason === 'refusal') {
        throw new ProviderRefusedError('anthropic: the model declined to answer', {
          provider: this.id,
          providerRequestId: requestId,
          providerCode: 'refusal',
        });
      }
      const answer = assembleAnswer(blocks);
      const usage: AnswerUsage = {
        // Anthropic reports cache reads/writes apart from `input_tokens`; the port counts all prompt tokens.
        inputTokens: sum(
          usages,
          (u) =>
            count(u['input_tokens']) + count(u['cache_read_input_tokens']) + count(u['cache_creation_input_tokens']),
        ),
        outputTokens: sum(usages, (u) => count(u['output_tokens'])),
        cachedInputTokens: sum(usages, (u) => count(u['cache_read_input_tokens'])),
        webSearchRequests: sum(usages, (u) => count(asObject(u['server_tool_use'])['web_search_requests'])),
      };
      if (answer.searchErrors.length > 0 && answer.citations.length === 0) {
        // Every search failed inside a 200: the text is the model's memory, not a grounded answer. Never stored as
        // one with 0 citations; retried (throttled/unavailable by the search error's code) or failed with it.
        throw searchFailure(answer.searchErrors, requestId);
      }
      if (!answer.text) throw emptyAnswer(this.id, requestId, `stop_reason ${stopReason ?? 'missing'}`);
      const modelVersion = asString(body['model']);
      return {
        provider: this.id,
        model: request.model,
        modelVersion,
        surface: request.surface,
        locale: request.locale,
        text: answer.text,
        citations: answer.citations,
        latencyMs,
        usage,
        cost: costOf(this.id, request.model, modelVersion, usage, this.#options.priceTable),
        providerRequestId: requestId ?? asString(body['id']),
        finishReason: stopReason?.toLowerCase() ?? null,
        truncated: isTruncation(stopReason),
        retrievedSources: uncitedSources(answer.searchResults, answer.citations),
      };
    } catch (error) {
      throw mapAnthropicError(error, scope, this.#client.constructor as typeof BaseAnthropic);
    } finally {
      scope.dispose();
    }
  }
}

/** Continuations of a paused turn before giving up (each is billed). */
export const ANTHROPIC_MAX_CONTINUATIONS = 4;

const sum = <T>(items: readonly T[], of: (item: T) => number) => items.reduce((total, item) => total + of(item), 0);

const TOOL_BLOCKS = new Set(['server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'tool_use']);

/**
 * The answer in a message's content blocks. With web search Claude writes a preamble ("I'll search for..."), then
 * interleaves searches and text: it may write half the answer, search again and continue. The answer is every text
 * block after the first tool block (all of them when there is none): consecutive text blocks (split at each
 * citation) are joined as they are, text on either side of a tool block as separate paragraphs. Citations come from
 * every answer block, search results from every result block, search errors are collected.
 */
export function assembleAnswer(blocks: readonly Json[]) {
  const firstTool = blocks.findIndex((block) => TOOL_BLOCKS.has(String(block['type'])));
  const citations: { url: string | null; title: string | null }[] = [];
  const searchResults: { url: string | null; title: string | null }[] = [];
  const searchErrors: string[] = [];
  const paragraphs: string[] = [];
  let current = '';
  blocks.forEach((block, index) => {
    const type = block['type'];
    if (type === 'web_search_tool_result') {
      const content = block['content'];
      if (Array.isArray(content)) {
        for (const result of content.map(asObject)) {
          if (result['type'] === 'web_search_result')
            searchResults.push({ url: asString(result['url']), title: asString(result['title']) });
        }
      } else if (asObject(content)['type'] === 'web_search_tool_result_error') {
        searchErrors.push(asString(asObject(content)['error_code']) ?? 'unknown');
      }
    }
    if (TOOL_BLOCKS.has(String(type))) {
      if (current.trim()) paragraphs.push(current.trim());
      current = '';
      return;
    }
    if (type !== 'text' || (firstTool >= 0 && index < firstTool)) return;
    current += asString(block['text']) ?? '';
    for (const citation of asArray(block['citations']).map(asObject)) {
      if (citation['type'] === 'web_search_result_location') {
        citations.push({ url: asString(citation['url']), title: asString(citation['title']) });
      }
    }
  });
  if (current.trim()) paragraphs.push(current.trim());
  return { text: paragraphs.join('\n\n'), citations: dedupeCitations(citations), searchResults, searchErrors };
}

/** The typed error for a web-search turn whose every search failed (`web_search_tool_result_error`). */
function searchFailure(codes: readonly string[], requestId: string | null): ProviderError {
  const options = { provider: 'anthropic', providerRequestId: requestId, providerCode: codes[0] ?? null };
  const message = `anthropic: every web search failed (${[...new Set(codes)].join(', ')}); no grounded answer`;
  if (codes.includes('too_many_requests')) return new ProviderThrottledError(message, options);
  if (codes.includes('unavailable')) return new ProviderUnavailableError(message, options);
  return new ProviderBadResponseError(message, options);
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
    const detail = asString(asObject(asObject(error.error)['error'])['message']) ?? error.message;
    if (error.status === 400 && /credit balance is too low/i.test(detail)) {
      // Anthropic's "billing exhausted" is a 400 invalid_request_error: retrying fails until someone pays.
      return new ProviderQuotaError('anthropic: the credit balance is too low (billing quota exhausted)', {
        provider,
        status: error.status,
        providerRequestId: error.requestID ?? null,
        providerCode: 'credit_balance_too_low',
        cause: error,
      });
    }
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
