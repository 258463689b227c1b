import { GoogleGenAI } from '@google/genai/web';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AnthropicProvider, loadAnthropicMessagesClient } from '#functions/adapters/providers/anthropic.ts';
import { GeminiProvider } from '#functions/adapters/providers/gemini.ts';
import { OpenAiProvider } from '#functions/adapters/providers/openai.ts';
import { PerplexityProvider } from '#functions/adapters/providers/perplexity.ts';
import type { ProviderError } from '#shared/domain/provider-errors.ts';
import type { AiProvider, AskRequest, ProviderId } from '#shared/ports/ai-provider.ts';

/** Adapters over the real SDKs with a canned `fetch`: how odd bodies map, without any network. */

type Reply = { status?: number; body: string; headers?: Record<string, string> };
const json = (value: unknown, headers: Record<string, string> = {}): Reply => ({
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json', ...headers },
});

function cannedFetch(reply: Reply, seen?: { url?: string; body?: unknown; headers?: Headers }): typeof fetch {
  return async (input, init) => {
    if (seen) {
      seen.url = String(input instanceof Request ? input.url : input);
      seen.body = init?.body ? JSON.parse(String(init.body)) : undefined;
      seen.headers = new Headers(init?.headers);
    }
    return new Response(reply.body, { status: reply.status ?? 200, headers: reply.headers });
  };
}

const AnthropicMessagesClient = await loadAnthropicMessagesClient();

function adapter(provider: ProviderId, reply: Reply, seen?: Parameters<typeof cannedFetch>[1]): AiProvider {
  const fetch = cannedFetch(reply, seen);
  const options = { timeoutMs: 2000, simulatorHints: true };
  switch (provider) {
    case 'openai':
      return new OpenAiProvider(new OpenAI({ apiKey: 'k', baseURL: 'http://x/v1', maxRetries: 0, fetch }), options);
    case 'perplexity':
      return new PerplexityProvider(new OpenAI({ apiKey: 'k', baseURL: 'http://x', maxRetries: 0, fetch }), options);
    case 'anthropic':
      return new AnthropicProvider(
        new AnthropicMessagesClient({ apiKey: 'k', baseURL: 'http://x', maxRetries: 0, fetch }),
        options,
      );
    case 'gemini':
      return new GeminiProvider(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://x' } }), {
        ...options,
        fetch,
      });
  }
}

const request = (overrides: Partial<AskRequest> = {}): AskRequest => ({
  prompt: 'Best CRM?',
  model: 'm',
  locale: 'en-GB',
  surface: 'api',
  requestId: 'wi-1',
  sampleIndex: 2,
  ...overrides,
});

async function errorOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    return error as ProviderError;
  }
  throw new Error('expected a failure');
}

describe.each(['openai', 'anthropic', 'gemini', 'perplexity'] as const)('%s with odd bodies', (provider) => {
  it.each([
    ['an empty object', json({})],
    ['an array', json([1, 2])],
    ['a JSON string', json('hello')],
    ['a truncated body', { body: '{"id":"x","choices":[{"mess', headers: { 'content-type': 'application/json' } }],
    ['HTML with a JSON content type', { body: '<html>502</html>', headers: { 'content-type': 'application/json' } }],
  ])('%s → ProviderBadResponseError', async (_label, reply) => {
    const error = await errorOf(adapter(provider, reply).ask(request()));
    expect(error.name).toBe('ProviderBadResponseError');
    expect(error.provider).toBe(provider);
  });

  it('a 429 with an HTML body still maps to throttled with its retry-after', async () => {
    const reply = { status: 429, body: '<html>Too many</html>', headers: { 'retry-after': '4' } };
    const error = await errorOf(adapter(provider, reply).ask(request()));
    expect(error.name).toBe('ProviderThrottledError');
    expect(error.toJSON().retryAfterMs).toBe(4000);
  });

  it('sends the sample hint only when asked to (simulator mode)', async () => {
    const seen: Parameters<typeof cannedFetch>[1] = {};
    await errorOf(adapter(provider, json({}), seen).ask(request()));
    expect(seen.headers?.get('x-simulator-sample-index')).toBe('2');
  });
});

describe('refusals and empty answers', () => {
  it('openai chat: a refusal field is ProviderRefusedError, null content is empty', async () => {
    const refusal = json({ choices: [{ message: { content: null, refusal: 'No.' }, finish_reason: 'stop' }] });
    expect((await errorOf(adapter('openai', refusal).ask(request()))).name).toBe('ProviderRefusedError');
    const filtered = json({ choices: [{ message: { content: 'partial' }, finish_reason: 'content_filter' }] });
    expect((await errorOf(adapter('openai', filtered).ask(request()))).name).toBe('ProviderRefusedError');
    const empty = json({ choices: [{ message: { content: '   ' }, finish_reason: 'stop' }] });
    expect((await errorOf(adapter('openai', empty).ask(request()))).name).toBe('ProviderBadResponseError');
  });

  it('openai responses: a refusal part is ProviderRefusedError', async () => {
    const reply = json({ output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'No.' }] }] });
    const error = await errorOf(adapter('openai', reply).ask(request({ surface: 'api_web_search' })));
    expect(error.name).toBe('ProviderRefusedError');
  });

  it('anthropic: stop_reason refusal, and text only before the search results', async () => {
    expect(
      (await errorOf(adapter('anthropic', json({ content: [], stop_reason: 'refusal' })).ask(request()))).name,
    ).toBe('ProviderRefusedError');
    const preambleOnly = json({
      content: [
        { type: 'text', text: "I'll search." },
        { type: 'server_tool_use', id: 's', name: 'web_search', input: {} },
        { type: 'web_search_tool_result', tool_use_id: 's', content: [] },
      ],
      stop_reason: 'pause_turn',
    });
    const error = await errorOf(adapter('anthropic', preambleOnly).ask(request({ surface: 'api_web_search' })));
    expect(error.name).toBe('ProviderBadResponseError');
  });

  it('gemini: a blocked prompt and a safety stop are refusals', async () => {
    const blocked = json({ promptFeedback: { blockReason: 'SAFETY' } });
    expect((await errorOf(adapter('gemini', blocked).ask(request()))).name).toBe('ProviderRefusedError');
    const safety = json({ candidates: [{ finishReason: 'SAFETY' }] });
    expect((await errorOf(adapter('gemini', safety).ask(request()))).name).toBe('ProviderRefusedError');
    const none = json({ candidates: [] });
    expect((await errorOf(adapter('gemini', none).ask(request()))).name).toBe('ProviderBadResponseError');
  });

  it('perplexity: content_filter is a refusal', async () => {
    const reply = json({ choices: [{ message: { content: '' }, finish_reason: 'content_filter' }] });
    expect((await errorOf(adapter('perplexity', reply).ask(request()))).name).toBe('ProviderRefusedError');
  });
});

describe('successful parsing details', () => {
  it('openai responses: url citations, search count, snapshot, request id header', async () => {
    const seen: Parameters<typeof cannedFetch>[1] = {};
    const reply = json(
      {
        id: 'resp_1',
        model: 'gpt-4.1-mini-2025-04-14',
        status: 'completed',
        output: [
          { type: 'web_search_call', id: 'ws', status: 'completed' },
          {
            type: 'message',
            content: [
              {
                type: 'output_text',
                text: 'Use Acme ([acme.com](https://acme.com/?utm_source=openai)).',
                annotations: [{ type: 'url_citation', url: 'https://acme.com/?utm_source=openai', title: 'Acme' }],
              },
            ],
          },
        ],
        usage: { input_tokens: 1000, output_tokens: 100, input_tokens_details: { cached_tokens: 200 } },
      },
      { 'x-request-id': 'req_abc' },
    );
    const result = await adapter('openai', reply, seen).ask(
      request({ model: 'gpt-4.1-mini', surface: 'api_web_search' }),
    );
    expect(result).toMatchObject({
      modelVersion: 'gpt-4.1-mini-2025-04-14',
      providerRequestId: 'req_abc',
      citations: [{ url: 'https://acme.com/?utm_source=openai', title: 'Acme' }],
      usage: { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 200, webSearchRequests: 1 },
      finishReason: 'stop',
      locale: 'en-GB',
    });
    expect(result.cost.usd).toBeCloseTo((800 * 0.4 + 200 * 0.1 + 100 * 1.6) / 1e6 + 0.01, 10);
    expect(seen.url).toBe('http://x/v1/responses');
    expect(seen.body).toMatchObject({
      model: 'gpt-4.1-mini',
      input: 'Best CRM?',
      tools: [{ type: 'web_search', user_location: { type: 'approximate', country: 'GB' } }],
    });
    expect(seen.headers?.get('x-client-request-id')).toBe('wi-1');
  });

  it('perplexity: citations in marker order, titles from search_results, body id as request id', async () => {
    const seen: Parameters<typeof cannedFetch>[1] = {};
    const reply = json({
      id: 'uuid-1',
      model: 'sonar',
      choices: [{ message: { content: 'Acme [1] and Globex [2].' }, finish_reason: 'stop' }],
      citations: ['https://acme.com/', 'https://globex.io/'],
      search_results: [{ url: 'https://globex.io/', title: 'Globex' }],
      usage: { prompt_tokens: 10, completion_tokens: 20 },
    });
    const result = await adapter('perplexity', reply, seen).ask(request({ model: 'sonar', surface: 'api_web_search' }));
    expect(result.citations).toEqual([{ url: 'https://acme.com/' }, { url: 'https://globex.io/', title: 'Globex' }]);
    expect(result.providerRequestId).toBe('uuid-1');
    expect(result.cost.usd).toBeCloseTo(30 / 1e6 + 0.005, 10);
    expect(seen.body).toMatchObject({ web_search_options: { search_context_size: 'low' } });
  });

  it('gemini: grounding chunks, thinking tokens billed as output, responseId', async () => {
    const seen: Parameters<typeof cannedFetch>[1] = {};
    const reply = json({
      responseId: 'resp-g',
      modelVersion: 'gemini-2.5-flash',
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'thinking', thought: true }, { text: 'Acme leads.' }] },
          finishReason: 'STOP',
          groundingMetadata: {
            webSearchQueries: ['q'],
            groundingChunks: [{ web: { uri: 'https://vertexaisearch.cloud.google.com/r/1', title: 'acme.com' } }],
          },
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 7 },
    });
    const result = await adapter('gemini', reply, seen).ask(
      request({ model: 'gemini-2.5-flash', surface: 'api_web_search' }),
    );
    expect(result.text).toBe('Acme leads.');
    expect(result.citations).toEqual([{ url: 'https://vertexaisearch.cloud.google.com/r/1', title: 'acme.com' }]);
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 12, webSearchRequests: 1 });
    expect(result.providerRequestId).toBe('resp-g');
    expect(seen.url).toContain('/models/gemini-2.5-flash:generateContent');
  });
});
