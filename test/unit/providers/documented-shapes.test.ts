import { GoogleGenAI } from '@google/genai/web';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AnthropicProvider, loadAnthropicMessagesClient } from '#functions/adapters/providers/anthropic.ts';
import { timeoutOf } from '#functions/adapters/providers/common.ts';
import { GeminiProvider, geminiThinking } from '#functions/adapters/providers/gemini.ts';
import { GroundingRedirectResolver } from '#functions/adapters/providers/grounding-redirects.ts';
import { OpenAiProvider } from '#functions/adapters/providers/openai.ts';
import { PerplexityProvider } from '#functions/adapters/providers/perplexity.ts';
import type { ProviderError, ProviderQuotaError } from '#shared/domain/provider-errors.ts';
import type { AskRequest } from '#shared/ports/ai-provider.ts';

/**
 * Hand-written response bodies in the shapes the providers document (API references and the SDKs' types), one per
 * edge case, through the real adapters and SDKs with a canned `fetch`.
 */

type Fetch = typeof fetch;
type Reply = { status?: number; body: unknown; headers?: Record<string, string> };
interface Seen {
  bodies: Record<string, unknown>[];
  urls: string[];
}

function scripted(replies: Reply[], seen: Seen = { bodies: [], urls: [] }): typeof fetch {
  let next = 0;
  return async (input, init) => {
    seen.urls.push(String(input instanceof Request ? input.url : input));
    seen.bodies.push(init?.body ? JSON.parse(String(init.body)) : {});
    const reply = replies[Math.min(next++, replies.length - 1)]!;
    return new Response(JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'content-type': 'application/json', ...reply.headers },
    });
  };
}

const AnthropicClient = await loadAnthropicMessagesClient();
const options = { timeoutMs: 2000 };
const openai = (fetch: Fetch) =>
  new OpenAiProvider(new OpenAI({ apiKey: 'k', baseURL: 'http://x/v1', maxRetries: 0, fetch }), options);
const perplexity = (fetch: Fetch) =>
  new PerplexityProvider(new OpenAI({ apiKey: 'k', baseURL: 'http://x', maxRetries: 0, fetch }), options);
const anthropic = (fetch: Fetch) =>
  new AnthropicProvider(new AnthropicClient({ apiKey: 'k', baseURL: 'http://x', maxRetries: 0, fetch }), options);
const gemini = (fetch: Fetch, redirects = new GroundingRedirectResolver({ lookup: async () => null })) =>
  new GeminiProvider(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: 'http://x' } }), {
    ...options,
    fetch,
    redirects,
  });

const ask = (overrides: Partial<AskRequest> = {}): AskRequest => ({
  prompt: 'Best product analytics tools?',
  model: 'm',
  locale: 'en-US',
  surface: 'api_web_search',
  requestId: 'wi-1',
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

const usage = { input_tokens: 10, output_tokens: 20, server_tool_use: { web_search_requests: 1 } };
const cite = (url: string, title: string) => ({
  type: 'web_search_result_location',
  url,
  title,
  cited_text: 'x',
  encrypted_index: 'e',
});
const searchBlocks = (id: string, results: { url: string; title: string }[] | { error_code: string }) => [
  { type: 'server_tool_use', id, name: 'web_search', input: { query: 'q' } },
  {
    type: 'web_search_tool_result',
    tool_use_id: id,
    content: Array.isArray(results)
      ? results.map((r) => ({ type: 'web_search_result', ...r, encrypted_content: 'c', page_age: null }))
      : { type: 'web_search_tool_result_error', ...results },
  },
];

describe('Anthropic documented shapes', () => {
  it('assembles the answer from every text block after the first tool use, with every block’s citations', async () => {
    const reply = {
      body: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        stop_reason: 'end_turn',
        usage: { ...usage, server_tool_use: { web_search_requests: 2 } },
        content: [
          { type: 'text', text: "I'll search for that." },
          ...searchBlocks('s1', [
            { url: 'https://acme.com/', title: 'Acme' },
            { url: 'https://g2.com/x', title: 'G2' },
          ]),
          { type: 'text', text: '1. **Acme** leads', citations: [cite('https://acme.com/', 'Acme')] },
          { type: 'text', text: ' for startups.' },
          ...searchBlocks('s2', [{ url: 'https://northwind.io/', title: 'Northwind' }]),
          { type: 'text', text: '2. **Northwind** follows', citations: [cite('https://northwind.io/', 'Northwind')] },
        ],
      },
    };
    const result = await anthropic(scripted([reply])).ask(ask());
    expect(result.text).toBe('1. **Acme** leads for startups.\n\n2. **Northwind** follows');
    expect(result.citations.map((c) => c.url)).toEqual(['https://acme.com/', 'https://northwind.io/']);
    expect(result.retrievedSources).toEqual([{ url: 'https://g2.com/x', title: 'G2' }]);
    expect(result.usage.webSearchRequests).toBe(2);
    expect(result.truncated).toBe(false);
  });

  it('continues a pause_turn by sending the assistant content back, and sums both calls', async () => {
    const first = {
      body: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        stop_reason: 'pause_turn',
        usage,
        content: [
          { type: 'text', text: "I'll search." },
          ...searchBlocks('s1', [{ url: 'https://acme.com/', title: 'Acme' }]),
          { type: 'text', text: 'Acme leads.', citations: [cite('https://acme.com/', 'Acme')] },
        ],
      },
      headers: { 'request-id': 'req_1' },
    };
    const second = {
      body: {
        id: 'msg_2',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        stop_reason: 'end_turn',
        usage,
        content: [
          ...searchBlocks('s2', [{ url: 'https://globex.com/', title: 'Globex' }]),
          { type: 'text', text: 'Globex is second.', citations: [cite('https://globex.com/', 'Globex')] },
        ],
      },
      headers: { 'request-id': 'req_2' },
    };
    const seen: Seen = { bodies: [], urls: [] };
    const result = await anthropic(scripted([first, second], seen)).ask(ask());
    expect(seen.bodies).toHaveLength(2);
    const continued = seen.bodies[1] as { messages: { role: string; content: unknown }[] };
    expect(continued.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(continued.messages[1]!.content).toEqual(first.body.content);
    expect(result.text).toBe('Acme leads.\n\nGlobex is second.');
    expect(result.citations.map((c) => c.url)).toEqual(['https://acme.com/', 'https://globex.com/']);
    expect(result.usage).toMatchObject({ inputTokens: 20, outputTokens: 40, webSearchRequests: 2 });
    expect(result.providerRequestId).toBe('req_2');
  });

  it.each([
    ['too_many_requests', 'ProviderThrottledError'],
    ['unavailable', 'ProviderUnavailableError'],
    ['max_uses_exceeded', 'ProviderBadResponseError'],
  ])(
    'a web_search_tool_result_error (%s) inside a 200 with no citations is %s, never a grounded answer',
    async (code, name) => {
      const reply = {
        body: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          stop_reason: 'end_turn',
          usage,
          content: [
            { type: 'text', text: "I'll search." },
            ...searchBlocks('s1', { error_code: code }),
            { type: 'text', text: 'From what I know, Acme is popular.' },
          ],
        },
      };
      const error = await errorOf(anthropic(scripted([reply])).ask(ask()));
      expect(error.name).toBe(name);
      expect(error.message).toContain(code);
    },
  );

  it('marks max_tokens as truncated, and maps "credit balance is too low" to a quota error', async () => {
    const cut = {
      body: {
        id: 'm',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        stop_reason: 'max_tokens',
        usage,
        content: [{ type: 'text', text: '1. Acme\n2. Northw' }],
      },
    };
    const result = await anthropic(scripted([cut])).ask(ask({ surface: 'api' }));
    expect(result).toMatchObject({ truncated: true, finishReason: 'max_tokens' });
    const broke = {
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message:
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        },
      },
    };
    const error = await errorOf(anthropic(scripted([broke])).ask(ask()));
    expect(error.name).toBe('ProviderQuotaError');
    expect(error.retryable).toBe(false);
  });
});

describe('Gemini documented shapes', () => {
  const grounded = (uri: string, title: string) => ({
    responseId: 'r1',
    modelVersion: 'gemini-2.5-pro',
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'Acme leads.' }] },
        finishReason: 'STOP',
        groundingMetadata: { webSearchQueries: ['q'], groundingChunks: [{ web: { uri, title } }] },
      },
    ],
    usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 4, thoughtsTokenCount: 900 },
  });

  it('sends a thinking budget per model on top of a larger answer cap', async () => {
    const seen: Seen = { bodies: [], urls: [] };
    await gemini(scripted([{ body: grounded('https://acme.com/', 'acme.com') }], seen)).ask(
      ask({ model: 'gemini-2.5-pro' }),
    );
    const generation = (seen.bodies[0] as { generationConfig: Record<string, unknown> }).generationConfig;
    expect(generation.thinkingConfig).toEqual({ thinkingBudget: 2048 });
    expect(generation.maxOutputTokens).toBe(4096 + 2048);
    expect(geminiThinking('gemini-2.5-flash-lite')).toEqual({ thinkingBudget: 0 });
    expect(geminiThinking('gemini-2.0-flash')).toBeNull();
  });

  it('MAX_TOKENS with no text (thinking used the cap) is a non-retryable explained failure', async () => {
    const body = {
      responseId: 'r2',
      candidates: [{ content: { role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 }],
      usageMetadata: { promptTokenCount: 12, thoughtsTokenCount: 1021, totalTokenCount: 1033 },
    };
    const error = await errorOf(gemini(scripted([{ body }])).ask(ask({ model: 'gemini-2.5-pro' })));
    expect(error.name).toBe('ProviderIncompleteError');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/1021 tokens spent thinking/);
  });

  it('MAX_TOKENS with text is kept and marked truncated', async () => {
    const body = grounded('https://acme.com/', 'acme.com');
    body.candidates[0]!.finishReason = 'MAX_TOKENS';
    const result = await gemini(scripted([{ body }])).ask(ask({ model: 'gemini-2.5-flash' }));
    expect(result).toMatchObject({ truncated: true, finishReason: 'max_tokens', text: 'Acme leads.' });
  });

  it('resolves grounding redirects to their target (cached), else falls back to the title’s domain', async () => {
    const redirect = 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQabc';
    let heads = 0;
    const resolver = new GroundingRedirectResolver({
      lookup: async () => {
        heads++;
        return 'https://www.acmeanalytics.com/pricing';
      },
    });
    const adapter = gemini(
      scripted([{ body: grounded(redirect, 'acmeanalytics.com') }, { body: grounded(redirect, 'acmeanalytics.com') }]),
      resolver,
    );
    expect((await adapter.ask(ask())).citations).toEqual([
      { url: 'https://www.acmeanalytics.com/pricing', title: 'acmeanalytics.com' },
    ]);
    await adapter.ask(ask());
    expect(heads).toBe(1);

    const failing = new GroundingRedirectResolver({
      lookup: async () => {
        throw new Error('refused');
      },
    });
    const fallback = await gemini(scripted([{ body: grounded(`${redirect}2`, 'g2.com') }]), failing).ask(ask());
    expect(fallback.citations).toEqual([{ url: 'https://g2.com/', title: 'g2.com' }]);
  });

  it('a per-day RESOURCE_EXHAUSTED is a quota error with its reset time, a per-minute one is throttling', async () => {
    const quota = (quotaId: string) => ({
      status: 429,
      body: {
        error: {
          code: 429,
          message: 'You exceeded your current quota.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaMetric: 'm', quotaId }],
            },
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '43s' },
          ],
        },
      },
    });
    const daily = (await errorOf(
      gemini(scripted([quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier')])).ask(ask()),
    )) as ProviderQuotaError;
    expect(daily.name).toBe('ProviderQuotaError');
    expect(Date.parse(daily.resumesAt ?? '')).toBeGreaterThan(Date.now());
    const perMinute = await errorOf(
      gemini(scripted([quota('GenerateRequestsPerMinutePerProjectPerModel-FreeTier')])).ask(ask()),
    );
    expect(perMinute.name).toBe('ProviderThrottledError');
  });
});

describe('OpenAI documented shapes', () => {
  it('429 insufficient_quota is a non-retryable quota error, not throttling', async () => {
    const reply = {
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
      headers: { 'retry-after': '20' },
    };
    const error = await errorOf(openai(scripted([reply])).ask(ask({ surface: 'api' })));
    expect(error.name).toBe('ProviderQuotaError');
    expect(error.retryable).toBe(false);
  });

  it('counts only searches that ran, keeps consulted sources apart from citations, asks for them', async () => {
    const seen: Seen = { bodies: [], urls: [] };
    const body = {
      id: 'resp_1',
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1-mini-2025-04-14',
      output: [
        {
          type: 'web_search_call',
          id: 'ws_1',
          status: 'completed',
          action: {
            type: 'search',
            query: 'q',
            sources: [
              { type: 'url', url: 'https://acme.com/' },
              { type: 'url', url: 'https://reddit.com/r/x' },
            ],
          },
        },
        { type: 'web_search_call', id: 'ws_2', status: 'failed', action: { type: 'search', query: 'q2' } },
        {
          type: 'web_search_call',
          id: 'ws_3',
          status: 'completed',
          action: { type: 'open_page', url: 'https://acme.com/' },
        },
        {
          type: 'message',
          id: 'msg_1',
          status: 'completed',
          role: 'assistant',
          content: [
            {
              type: 'output_text',
              text: 'Acme ([acme.com](https://acme.com/?utm_source=openai))',
              annotations: [
                {
                  type: 'url_citation',
                  start_index: 5,
                  end_index: 50,
                  url: 'https://acme.com/?utm_source=openai',
                  title: 'Acme',
                },
              ],
            },
          ],
        },
      ],
      usage: { input_tokens: 10, output_tokens: 5, input_tokens_details: { cached_tokens: 0 } },
    };
    const result = await openai(scripted([{ body }], seen)).ask(ask());
    expect((seen.bodies[0] as { include?: string[] }).include).toEqual(['web_search_call.action.sources']);
    expect(result.usage.webSearchRequests).toBe(1);
    expect(result.retrievedSources).toEqual([{ url: 'https://reddit.com/r/x' }]);
  });

  it('an incomplete response at max_output_tokens is truncated; with no text it is an explained failure', async () => {
    const base = { id: 'r', object: 'response', model: 'gpt-5', status: 'incomplete', usage: {} };
    const text = {
      ...base,
      incomplete_details: { reason: 'max_output_tokens' },
      output: [
        {
          type: 'message',
          id: 'm',
          status: 'incomplete',
          role: 'assistant',
          content: [{ type: 'output_text', text: '1. Acme\n2. Nor', annotations: [] }],
        },
      ],
    };
    expect(await openai(scripted([{ body: text }])).ask(ask())).toMatchObject({ truncated: true });
    const empty = {
      ...base,
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'reasoning', id: 'rs', summary: [] }],
    };
    const error = await errorOf(openai(scripted([{ body: empty }])).ask(ask()));
    expect(error.name).toBe('ProviderIncompleteError');
  });
});

describe('Perplexity documented shapes', () => {
  it('uses the reported cost and keeps search results without a marker as retrieved sources', async () => {
    const body = {
      id: 'p1',
      model: 'sonar',
      object: 'chat.completion',
      created: 1,
      citations: ['https://acme.com/'],
      search_results: [
        { title: 'Acme', url: 'https://acme.com/', date: null },
        { title: 'Reddit', url: 'https://reddit.com/r/x', date: null },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 200,
        total_tokens: 210,
        search_context_size: 'low',
        cost: { input_tokens_cost: 0.00001, output_tokens_cost: 0.0002, request_cost: 0.005, total_cost: 0.00521 },
      },
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Acme [1].' } }],
    };
    const result = await perplexity(scripted([{ body }])).ask(ask({ model: 'sonar' }));
    expect(result.cost).toEqual({ usd: 0.00521, priceTableVersion: 'provider-reported' });
    expect(result.citations).toEqual([{ url: 'https://acme.com/', title: 'Acme' }]);
    expect(result.retrievedSources).toEqual([{ url: 'https://reddit.com/r/x', title: 'Reddit' }]);
  });
});

describe('per-surface deadlines', () => {
  it('gives web-search calls longer than plain ones', () => {
    expect(timeoutOf({}, 'api')).toBe(60_000);
    expect(timeoutOf({}, 'api_web_search')).toBe(150_000);
    expect(timeoutOf({ timeoutMs: 2000 }, 'api_web_search')).toBe(5000);
    expect(timeoutOf({ timeoutMs: 2000, webSearchTimeoutMs: 9000 }, 'api_web_search')).toBe(9000);
  });
});
