import type OpenAI from 'openai';
import { ProviderIncompleteError, ProviderRefusedError } from '#shared/domain/provider-errors.ts';
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

/** A cited URL without the `utm_source=openai` OpenAI appends, to compare it with the consulted sources. */
function withoutUtm(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.get('utm_source') !== 'openai') return url;
    parsed.searchParams.delete('utm_source');
    return parsed.toString().replace(/\?$/, '');
  } catch {
    return url;
  }
}

/**
 * OpenAI. The plain surface uses Chat Completions; the web-search surface uses the Responses API with the hosted
 * `web_search` tool, whose answers carry `url_citation` annotations.
 */
export class OpenAiProvider implements AiProvider {
  readonly id = 'openai' as const;
  readonly #client: OpenAI;
  readonly #options: AdapterOptions;

  /** @param client built by {@link createOpenAiClient} (`maxRetries: 0`: the workflow owns retries). */
  constructor(client: OpenAI, options: AdapterOptions = {}) {
    this.#client = client;
    this.#options = options;
  }

  async ask(request: AskRequest, signal?: AbortSignal): Promise<AskResult> {
    const { now, scope, sdkTimeoutMs, headers } = beginCall(this.#options, request, signal, {
      'X-Client-Request-Id': request.requestId.slice(0, 512),
    });
    // Our deadline (scope) fires first and covers the body too; the SDK's timeout is only a backstop.
    const requestOptions = { signal: scope.signal, timeout: sdkTimeoutMs, headers };
    const started = now();
    try {
      const answer =
        request.surface === 'api_web_search'
          ? await this.#askResponses(request, requestOptions)
          : await this.#askChat(request, requestOptions);
      const latencyMs = Math.max(0, Math.round(now() - started));
      return {
        provider: this.id,
        model: request.model,
        modelVersion: answer.modelVersion,
        surface: request.surface,
        locale: request.locale,
        text: answer.text,
        citations: answer.citations,
        latencyMs,
        usage: answer.usage,
        cost: costOf(this.id, request.model, answer.modelVersion, answer.usage, this.#options.priceTable),
        providerRequestId: answer.requestId,
        finishReason: answer.finishReason,
        truncated: isTruncation(answer.finishReason),
        retrievedSources: answer.retrievedSources,
      };
    } catch (error) {
      throw mapOpenAiSdkError(this.id, error, scope, this.#client.constructor as typeof OpenAI);
    } finally {
      scope.dispose();
    }
  }

  async #askChat(request: AskRequest, options: OpenAI.RequestOptions) {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
    if (request.system) messages.push({ role: 'developer', content: request.system });
    messages.push({ role: 'user', content: request.prompt });
    const { data, request_id } = await this.#client.chat.completions
      .create(
        {
          model: request.model,
          messages,
          max_completion_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
        },
        options,
      )
      .withResponse();
    const body = expectObject(this.id, data, 'chat completion', request_id);
    const choice = asObject(asArray(body['choices'])[0]);
    const message = asObject(choice['message']);
    const finishReason = asString(choice['finish_reason']);
    const refusal = asString(message['refusal']);
    const text = asString(message['content'])?.trim() ?? '';
    if (refusal || finishReason === 'content_filter') {
      throw new ProviderRefusedError(`openai: the model declined to answer (${refusal ? 'refusal' : finishReason})`, {
        provider: this.id,
        providerRequestId: request_id,
        providerCode: refusal ? 'refusal' : finishReason,
      });
    }
    if (!text && finishReason === 'length') {
      // A reasoning model spent the whole cap reasoning: the same request ends the same way, so it is not retried.
      throw new ProviderIncompleteError(
        'openai: the output cap was used up before any answer text (finish_reason length)',
        {
          provider: this.id,
          providerRequestId: request_id,
          providerCode: 'length',
        },
      );
    }
    if (!text) throw emptyAnswer(this.id, request_id, `finish_reason ${finishReason ?? 'missing'}`);
    const usageJson = asObject(body['usage']);
    const usage: AnswerUsage = {
      inputTokens: count(usageJson['prompt_tokens']),
      outputTokens: count(usageJson['completion_tokens']),
      cachedInputTokens: count(asObject(usageJson['prompt_tokens_details'])['cached_tokens']),
      webSearchRequests: 0,
    };
    const citations = dedupeCitations(
      asArray(message['annotations']).map((a) => {
        const c = asObject(asObject(a)['url_citation']);
        return { url: asString(c['url']), title: asString(c['title']) };
      }),
    );
    return {
      text,
      citations,
      usage,
      modelVersion: asString(body['model']),
      requestId: request_id ?? asString(body['id']),
      finishReason: finishReason?.toLowerCase() ?? null,
      retrievedSources: [],
    };
  }

  async #askResponses(request: AskRequest, options: OpenAI.RequestOptions) {
    const country = localeCountry(request.locale);
    const { data, request_id } = await this.#client.responses
      .create(
        {
          model: request.model,
          input: request.prompt,
          ...(request.system ? { instructions: request.system } : {}),
          tools: [
            {
              type: 'web_search',
              ...(country ? { user_location: { type: 'approximate' as const, country } } : {}),
            },
          ],
          max_output_tokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
          // Every source the search consulted, cited or not (a signal of its own: retrieved-but-not-cited).
          include: ['web_search_call.action.sources'],
          store: false,
        },
        options,
      )
      .withResponse();
    const body = expectObject(this.id, data, 'response', request_id);
    const output = asArray(body['output']).map(asObject);
    const texts: string[] = [];
    const annotations: { url: string | null; title: string | null }[] = [];
    let refusal: string | null = null;
    for (const item of output) {
      if (item['type'] !== 'message') continue;
      for (const part of asArray(item['content']).map(asObject)) {
        if (part['type'] === 'refusal') refusal = asString(part['refusal']) ?? 'refusal';
        if (part['type'] !== 'output_text') continue;
        const text = asString(part['text']);
        if (text) texts.push(text);
        for (const annotation of asArray(part['annotations']).map(asObject)) {
          if (annotation['type'] === 'url_citation') {
            annotations.push({ url: asString(annotation['url']), title: asString(annotation['title']) });
          }
        }
      }
    }
    const status = asString(body['status']);
    const incomplete = asString(asObject(body['incomplete_details'])['reason']);
    if (refusal || incomplete === 'content_filter') {
      throw new ProviderRefusedError('openai: the model declined to answer', {
        provider: this.id,
        providerRequestId: request_id,
        providerCode: refusal ? 'refusal' : incomplete,
      });
    }
    const text = texts.join('\n\n').trim();
    if (!text && incomplete === 'max_output_tokens') {
      throw new ProviderIncompleteError('openai: the output cap was used up before any answer text (incomplete)', {
        provider: this.id,
        providerRequestId: request_id,
        providerCode: incomplete,
      });
    }
    if (!text) throw emptyAnswer(this.id, request_id, `status ${status ?? 'missing'}`);
    // Billed searches: `search` actions that did not fail. `open_page` and `find` are steps inside pages already
    // found, not searches.
    const searchCalls = output.filter((item) => item['type'] === 'web_search_call');
    const searches = searchCalls.filter((item) => {
      const action = asObject(item['action']);
      return item['status'] !== 'failed' && (action['type'] === 'search' || action['type'] === undefined);
    });
    const consulted = searchCalls.flatMap((item) =>
      asArray(asObject(item['action'])['sources']).map((source) => ({ url: asString(asObject(source)['url']) })),
    );
    const citations = dedupeCitations(annotations);
    const usageJson = asObject(body['usage']);
    const usage: AnswerUsage = {
      inputTokens: count(usageJson['input_tokens']),
      outputTokens: count(usageJson['output_tokens']),
      cachedInputTokens: count(asObject(usageJson['input_tokens_details'])['cached_tokens']),
      webSearchRequests: searches.length,
    };
    return {
      text,
      citations,
      retrievedSources: uncitedSources(consulted, [
        ...citations,
        ...citations.map((c) => ({ ...c, url: withoutUtm(c.url) })),
      ]),
      usage,
      modelVersion: asString(body['model']),
      requestId: request_id ?? asString(body['id']),
      finishReason: (incomplete ?? (status === 'completed' ? 'stop' : status))?.toLowerCase() ?? null,
    };
  }
}
