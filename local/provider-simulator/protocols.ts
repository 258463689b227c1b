import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import { approxTokens } from './answers.ts';
import {
  asArray,
  asObject,
  capped,
  domainOf,
  type Endpoint,
  type Json,
  MARKERS,
  markerIndexes,
  modelVersionOf,
  type ParsedRequest,
  REFUSAL_TEXT,
  type RenderContext,
  stripMarkers,
} from './protocol-support.ts';
import { anthropicMessage } from './protocols-anthropic.ts';
import { geminiResponse } from './protocols-gemini.ts';
import { token } from './rng.ts';

export { renderError } from './protocol-errors.ts';
export type { Endpoint, Outcome, ParsedRequest, RenderContext } from './protocol-support.ts';
export { modelVersionOf } from './protocol-support.ts';

export class BadRequest extends Error {}

/** Maps a request path to an endpoint (the mounts of `functions/adapters/providers/endpoints.ts`). */
export function routeOf(
  method: string,
  path: string,
): { provider: ProviderId; endpoint: Endpoint; model?: string } | null {
  if (method !== 'POST') return null;
  if (path === '/openai/v1/chat/completions') return { provider: 'openai', endpoint: 'openai.chat' };
  if (path === '/openai/v1/responses') return { provider: 'openai', endpoint: 'openai.responses' };
  if (path === '/anthropic/v1/messages') return { provider: 'anthropic', endpoint: 'anthropic.messages' };
  if (path === '/perplexity/chat/completions') return { provider: 'perplexity', endpoint: 'perplexity.chat' };
  const gemini = /^\/gemini\/v1(?:beta|alpha)?\/models\/([^/:]+):generateContent$/.exec(path);
  if (gemini) return { provider: 'gemini', endpoint: 'gemini.generate', model: decodeURIComponent(gemini[1]!) };
  return null;
}

/** Text of an OpenAI/Anthropic-style message content (string, or parts with `text`). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => asObject(part))
    .map((part) => (typeof part['text'] === 'string' ? part['text'] : ''))
    .join('\n');
}

function lastUserText(messages: unknown, roleKey = 'role', userRole = 'user'): string {
  const list = asArray(messages).map(asObject);
  for (let i = list.length - 1; i >= 0; i--) {
    const message = list[i]!;
    if (message[roleKey] === userRole) return contentText(message['content'] ?? message['parts']);
  }
  return '';
}

/** Reads model, prompt and surface from a request body; throws BadRequest like the real API would 400. */
export function parseRequest(endpoint: Endpoint, body: Json, pathModel?: string): ParsedRequest {
  const model =
    endpoint === 'gemini.generate' ? (pathModel ?? '') : typeof body['model'] === 'string' ? body['model'] : '';
  if (!model) throw new BadRequest('you must provide a model parameter');
  let prompt = '';
  let surface: AnswerSurface = 'api';
  let maxTokens: unknown = null;
  const extra: Partial<ParsedRequest> = {};
  switch (endpoint) {
    case 'openai.chat':
      prompt = lastUserText(body['messages']);
      maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
      if (/search/.test(model)) surface = 'api_web_search';
      break;
    case 'openai.responses': {
      const input = body['input'];
      prompt = typeof input === 'string' ? input : lastUserText(input);
      maxTokens = body['max_output_tokens'];
      const tools = asArray(body['tools']).map(asObject);
      if (tools.some((tool) => String(tool['type']).startsWith('web_search'))) surface = 'api_web_search';
      extra.include = asArray(body['include']).filter((value): value is string => typeof value === 'string');
      break;
    }
    case 'anthropic.messages': {
      prompt = lastUserText(body['messages']);
      maxTokens = body['max_tokens'];
      if (typeof maxTokens !== 'number') throw new BadRequest('max_tokens: Field required');
      const tools = asArray(body['tools']).map(asObject);
      if (tools.some((tool) => String(tool['type']).startsWith('web_search'))) surface = 'api_web_search';
      // A paused turn is continued by sending the assistant's content back as the last message.
      extra.continuation = asObject(asArray(body['messages']).at(-1))['role'] === 'assistant';
      break;
    }
    case 'gemini.generate': {
      prompt =
        lastUserText(body['contents'], 'role', 'user') || contentText(asObject(asArray(body['contents'])[0])['parts']);
      const generation = asObject(body['generationConfig']);
      maxTokens = generation['maxOutputTokens'];
      const thinking = generation['thinkingConfig'];
      if (thinking && typeof thinking === 'object') {
        const config = asObject(thinking);
        extra.thinking = {
          ...(typeof config['thinkingBudget'] === 'number' ? { thinkingBudget: config['thinkingBudget'] } : {}),
          ...(typeof config['thinkingLevel'] === 'string' ? { thinkingLevel: config['thinkingLevel'] } : {}),
        };
      }
      const tools = asArray(body['tools']).map(asObject);
      if (tools.some((tool) => 'googleSearch' in tool || 'googleSearchRetrieval' in tool)) surface = 'api_web_search';
      break;
    }
    case 'perplexity.chat':
      prompt = lastUserText(body['messages']);
      maxTokens = body['max_tokens'];
      surface = body['disable_search'] === true ? 'api' : 'api_web_search';
      break;
  }
  if (!prompt.trim()) throw new BadRequest('the request contains no user message');
  return { model, prompt, surface, maxTokens: typeof maxTokens === 'number' ? maxTokens : null, ...extra };
}

/** Perplexity's token prices (USD per 1M), for the cost it reports. */
const PERPLEXITY_TOKEN_PRICE: Record<string, { input: number; output: number }> = {
  sonar: { input: 1, output: 1 },
  'sonar-pro': { input: 3, output: 15 },
  'sonar-reasoning': { input: 1, output: 5 },
  'sonar-reasoning-pro': { input: 2, output: 8 },
};

/** Pages a web search reads besides the ones the answer cites (retrieved, not cited). */
const UNCITED_PAGES = [
  { url: 'https://www.reddit.com/r/analytics/comments/1f3k2x/which_tool_do_you_use/', title: 'r/analytics' },
  { url: 'https://news.ycombinator.com/item?id=41234567', title: 'Ask HN: analytics stack' },
];

/** Builds the 200 body of an endpoint. */
export function renderSuccess(ctx: RenderContext): Json {
  switch (ctx.endpoint) {
    case 'openai.chat':
      return openAiChat(ctx, false);
    case 'perplexity.chat':
      return openAiChat(ctx, true);
    case 'openai.responses':
      return openAiResponses(ctx);
    case 'anthropic.messages':
      return anthropicMessage(ctx);
    case 'gemini.generate':
      return geminiResponse(ctx);
  }
}

function openAiChat(ctx: RenderContext, perplexity: boolean): Json {
  const web = ctx.request.surface === 'api_web_search';
  const full = perplexity && web ? ctx.answer.text : stripMarkers(ctx.answer.text);
  const { text, truncated } = capped(full, ctx.request.maxTokens);
  const content = ctx.outcome === 'answer' ? text : ctx.outcome === 'empty' ? '' : perplexity ? '' : null;
  const finish = ctx.outcome === 'refusal' && perplexity ? 'content_filter' : truncated ? 'length' : 'stop';
  const promptTokens = approxTokens(ctx.request.prompt) + 8;
  const completionTokens = content ? approxTokens(content) : ctx.outcome === 'refusal' ? 12 : 1;
  const usage: Json = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  if (perplexity) {
    const sources = web ? ctx.answer.sources : [];
    // Perplexity reports what it charges: tokens at its list price plus the per-request fee (low context).
    const perMillion = PERPLEXITY_TOKEN_PRICE[ctx.request.model] ?? { input: 1, output: 1 };
    const inputCost = (promptTokens * perMillion.input) / 1e6;
    const outputCost = (completionTokens * perMillion.output) / 1e6;
    const requestCost = web ? 0.005 : 0;
    const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
    return {
      id: ctx.requestId,
      model: ctx.request.model,
      created: ctx.nowSeconds,
      usage: {
        ...usage,
        search_context_size: web ? 'low' : null,
        num_search_queries: web ? ctx.answer.searchQueries.length : 0,
        cost: {
          input_tokens_cost: round(inputCost),
          output_tokens_cost: round(outputCost),
          request_cost: requestCost,
          total_cost: round(inputCost + outputCost + requestCost),
        },
      },
      citations: sources.map((s) => s.url),
      // Search results hold the cited pages and others the search found but the answer did not use.
      search_results: [...sources, ...(web ? UNCITED_PAGES : [])].map((s) => ({
        title: s.title,
        url: s.url,
        date: '2025-06-02',
        last_updated: '2025-09-18',
        snippet: `${s.title}.`,
      })),
      object: 'chat.completion',
      choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content: content ?? '' } }],
    };
  }
  return {
    id: `chatcmpl-${token(ctx.rng, 29, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
    object: 'chat.completion',
    created: ctx.nowSeconds,
    model: modelVersionOf('openai', ctx.request.model),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: ctx.outcome === 'refusal' ? REFUSAL_TEXT : null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage: {
      ...usage,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: `fp_${token(ctx.rng, 10, '0123456789abcdef')}`,
  };
}

function openAiResponses(ctx: RenderContext): Json {
  const web = ctx.request.surface === 'api_web_search';
  // OpenAI cites inline as markdown links with `utm_source=openai`, annotated with their character span.
  const annotations: Json[] = [];
  let text = '';
  let last = 0;
  const source = web ? ctx.answer.text : stripMarkers(ctx.answer.text);
  for (const match of source.matchAll(MARKERS)) {
    text += source.slice(last, match.index);
    last = match.index + match[0].length;
    const links: string[] = [];
    text += ' (';
    for (const index of markerIndexes(match[0])) {
      const cited = ctx.answer.sources[index];
      if (!cited) continue;
      const url = `${cited.url}${cited.url.includes('?') ? '&' : '?'}utm_source=openai`;
      const link = `[${domainOf(cited.url)}](${url})`;
      if (links.length > 0) text += ', ';
      const start = text.length;
      text += link;
      links.push(link);
      annotations.push({ type: 'url_citation', start_index: start, end_index: text.length, url, title: cited.title });
    }
    text += ')';
  }
  text += source.slice(last);
  const { text: finalText, truncated } = capped(text, ctx.request.maxTokens);
  // Each search consults more pages than the answer cites; with `include: ["web_search_call.action.sources"]`
  // they are listed on the call. Some turns also have a failed search and an `open_page` step (not billed searches).
  const withSources = ctx.request.include?.includes('web_search_call.action.sources') ?? false;
  const consulted = [...ctx.answer.sources, ...UNCITED_PAGES].map((source) => ({ type: 'url', url: source.url }));
  const searchCall = (action: Json, status = 'completed'): Json => ({
    type: 'web_search_call',
    id: `ws_${token(ctx.rng, 40, '0123456789abcdef')}`,
    status,
    action,
  });
  const output: Json[] = web
    ? ctx.answer.searchQueries.map((query) =>
        searchCall({ type: 'search', query, ...(withSources ? { sources: consulted } : {}) }),
      )
    : [];
  if (web && ctx.shape?.failedSearchStep) {
    output.push(searchCall({ type: 'search', query: ctx.answer.searchQueries[0] ?? ctx.request.prompt }, 'failed'));
    const opened = ctx.answer.sources[0]?.url ?? UNCITED_PAGES[0]!.url;
    output.push(searchCall({ type: 'open_page', url: opened }));
  }
  const content =
    ctx.outcome === 'refusal'
      ? [{ type: 'refusal', refusal: REFUSAL_TEXT }]
      : [
          {
            type: 'output_text',
            text: ctx.outcome === 'empty' ? '' : finalText,
            annotations:
              ctx.outcome === 'empty' ? [] : annotations.filter((a) => Number(a['end_index']) <= finalText.length),
            logprobs: [],
          },
        ];
  output.push({
    type: 'message',
    id: `msg_${token(ctx.rng, 40, '0123456789abcdef')}`,
    status: 'completed',
    role: 'assistant',
    content,
  });
  const inputTokens = approxTokens(ctx.request.prompt) + (web ? 2400 : 8);
  const outputTokens = ctx.outcome === 'answer' ? approxTokens(finalText) : 12;
  return {
    id: `resp_${token(ctx.rng, 48, '0123456789abcdef')}`,
    object: 'response',
    created_at: ctx.nowSeconds,
    status: truncated ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: truncated ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: ctx.request.maxTokens,
    model: modelVersionOf('openai', ctx.request.model),
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: web ? [{ type: 'web_search', search_context_size: 'medium', user_location: null }] : [],
    top_p: 1,
    truncation: 'disabled',
    usage: {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
    metadata: {},
  };
}
