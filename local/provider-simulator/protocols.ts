import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import type { SimulatedAnswer } from './answers.ts';
import { approxTokens } from './answers.ts';
import { reportedModelId } from './models.ts';
import { type Rng, token } from './rng.ts';

/** One endpoint of one provider's HTTP API that the simulator speaks. */
export type Endpoint =
  | 'openai.chat'
  | 'openai.responses'
  | 'anthropic.messages'
  | 'gemini.generate'
  | 'perplexity.chat';

export interface ParsedRequest {
  model: string;
  prompt: string;
  surface: AnswerSurface;
  maxTokens: number | null;
}

export class BadRequest extends Error {}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

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
      break;
    }
    case 'anthropic.messages': {
      prompt = lastUserText(body['messages']);
      maxTokens = body['max_tokens'];
      if (typeof maxTokens !== 'number') throw new BadRequest('max_tokens: Field required');
      const tools = asArray(body['tools']).map(asObject);
      if (tools.some((tool) => String(tool['type']).startsWith('web_search'))) surface = 'api_web_search';
      break;
    }
    case 'gemini.generate': {
      prompt =
        lastUserText(body['contents'], 'role', 'user') || contentText(asObject(asArray(body['contents'])[0])['parts']);
      maxTokens = asObject(body['generationConfig'])['maxOutputTokens'];
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
  return { model, prompt, surface, maxTokens: typeof maxTokens === 'number' ? maxTokens : null };
}

/** The dated snapshot a provider reports for a model alias (models.ts knows each model's). */
export function modelVersionOf(provider: ProviderId, model: string): string {
  if (/\d{4}-\d{2}-\d{2}$|\d{8}$/.test(model)) return model;
  return reportedModelId(provider, model);
}

export type Outcome = 'answer' | 'refusal' | 'empty';

export interface RenderContext {
  provider: ProviderId;
  endpoint: Endpoint;
  request: ParsedRequest;
  answer: SimulatedAnswer;
  outcome: Outcome;
  /** Id of the request (header) and of the response object. */
  requestId: string;
  rng: Rng;
  nowSeconds: number;
}

const MARKERS = /(?:\[\d+\])+/g;
const stripMarkers = (text: string) => text.replace(MARKERS, '');
const markerIndexes = (group: string) => [...group.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]) - 1);
const domainOf = (url: string) => new URL(url).hostname.replace(/^www\./, '');

const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";

/** Output length after honouring `max_tokens`, as a real model would stop. */
function capped(text: string, maxTokens: number | null): { text: string; truncated: boolean } {
  if (!maxTokens || approxTokens(text) <= maxTokens) return { text, truncated: false };
  return { text: text.slice(0, maxTokens * 4), truncated: true };
}

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
    return {
      id: ctx.requestId,
      model: ctx.request.model,
      created: ctx.nowSeconds,
      usage: {
        ...usage,
        search_context_size: web ? 'low' : null,
        num_search_queries: web ? ctx.answer.searchQueries.length : 0,
      },
      citations: sources.map((s) => s.url),
      search_results: sources.map((s) => ({
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
  const output: Json[] = web
    ? ctx.answer.searchQueries.map((query) => ({
        type: 'web_search_call',
        id: `ws_${token(ctx.rng, 40, '0123456789abcdef')}`,
        status: 'completed',
        action: { type: 'search', query },
      }))
    : [];
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
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    },
    metadata: {},
  };
}

function anthropicMessage(ctx: RenderContext): Json {
  const web = ctx.request.surface === 'api_web_search';
  const content: Json[] = [];
  let searches = 0;
  if (web && ctx.outcome !== 'refusal') {
    content.push({ type: 'text', text: "I'll search for current information on this.", citations: null });
    for (const query of ctx.answer.searchQueries) {
      const id = `srvtoolu_${token(ctx.rng, 24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
      searches++;
      content.push({ type: 'server_tool_use', id, name: 'web_search', input: { query }, caller: { type: 'direct' } });
      content.push({
        type: 'web_search_tool_result',
        tool_use_id: id,
        caller: { type: 'direct' },
        content: ctx.answer.sources.map((s) => ({
          type: 'web_search_result',
          url: s.url,
          title: s.title,
          encrypted_content: token(ctx.rng, 64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'),
          page_age: 'September 18, 2025',
        })),
      });
    }
  }
  let truncated = false;
  if (ctx.outcome === 'answer') {
    const full = web ? ctx.answer.text : stripMarkers(ctx.answer.text);
    const capResult = capped(full, ctx.request.maxTokens);
    truncated = capResult.truncated;
    // One text block per cited line (with its citations); uncited lines merge into plain blocks.
    let plain = '';
    const lines = capResult.text.split('\n');
    lines.forEach((line, i) => {
      const newline = i < lines.length - 1 ? '\n' : '';
      const groups = web ? [...line.matchAll(MARKERS)] : [];
      if (groups.length === 0) {
        plain += line + newline;
        return;
      }
      if (plain) content.push({ type: 'text', text: plain, citations: null });
      plain = '';
      const stripped = stripMarkers(line);
      const cited = groups.flatMap((g) => markerIndexes(g[0])).map((index) => ctx.answer.sources[index]);
      content.push({
        type: 'text',
        text: stripped + newline,
        citations: cited
          .filter((s) => s !== undefined)
          .map((s) => ({
            type: 'web_search_result_location',
            url: s.url,
            title: s.title,
            cited_text: stripped.slice(0, 150),
            encrypted_index: token(ctx.rng, 32, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
          })),
      });
    });
    if (plain) content.push({ type: 'text', text: plain, citations: null });
  }
  const inputTokens = approxTokens(ctx.request.prompt) + (web ? 3100 : 10);
  const outputTokens =
    content.filter((b) => b['type'] === 'text').reduce((sum, b) => sum + approxTokens(String(b['text'])), 0) || 3;
  return {
    id: `msg_01${token(ctx.rng, 22, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
    type: 'message',
    role: 'assistant',
    model: modelVersionOf('anthropic', ctx.request.model),
    content,
    stop_reason: ctx.outcome === 'refusal' ? 'refusal' : truncated ? 'max_tokens' : 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: {
      input_tokens: inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: outputTokens,
      server_tool_use: { web_search_requests: searches, web_fetch_requests: 0 },
      service_tier: 'standard',
    },
  };
}

function geminiResponse(ctx: RenderContext): Json {
  const web = ctx.request.surface === 'api_web_search';
  const promptTokens = approxTokens(ctx.request.prompt) + 4;
  const base = { modelVersion: modelVersionOf('gemini', ctx.request.model), responseId: ctx.requestId };
  if (ctx.outcome === 'refusal') {
    return {
      candidates: [
        {
          finishReason: 'SAFETY',
          index: 0,
          safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
        },
      ],
      usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
      ...base,
    };
  }
  // Grounding supports: the character span of each cited line and the chunks supporting it.
  let text = '';
  const supports: Json[] = [];
  const lines = ctx.outcome === 'empty' ? [] : ctx.answer.text.split('\n');
  lines.forEach((line, i) => {
    const stripped = stripMarkers(line);
    const chunks = web ? [...line.matchAll(MARKERS)].flatMap((g) => markerIndexes(g[0])) : [];
    if (chunks.length > 0) {
      supports.push({
        segment: { startIndex: text.length, endIndex: text.length + stripped.length, text: stripped },
        groundingChunkIndices: chunks,
      });
    }
    text += stripped + (i < lines.length - 1 ? '\n' : '');
  });
  const { text: finalText, truncated } = capped(text, ctx.request.maxTokens);
  const candidatesTokens = ctx.outcome === 'empty' ? 0 : approxTokens(finalText);
  const toolTokens = web ? 180 : 0;
  return {
    candidates: [
      {
        content: { parts: ctx.outcome === 'empty' ? [] : [{ text: finalText }], role: 'model' },
        finishReason: truncated ? 'MAX_TOKENS' : 'STOP',
        index: 0,
        ...(web && ctx.outcome === 'answer'
          ? {
              groundingMetadata: {
                webSearchQueries: ctx.answer.searchQueries,
                searchEntryPoint: { renderedContent: '<div class="container">Google Search suggestions</div>' },
                groundingChunks: ctx.answer.sources.map((s) => ({ web: { uri: s.url, title: domainOf(s.url) } })),
                groundingSupports: supports.filter(
                  (s) => Number(asObject(s['segment'])['endIndex']) <= finalText.length,
                ),
              },
            }
          : {}),
      },
    ],
    usageMetadata: {
      promptTokenCount: promptTokens,
      candidatesTokenCount: candidatesTokens,
      ...(toolTokens ? { toolUsePromptTokenCount: toolTokens } : {}),
      totalTokenCount: promptTokens + candidatesTokens + toolTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    },
    ...base,
  };
}

/** Error body in the provider's own shape. */
export function renderError(
  provider: ProviderId,
  status: number,
  message: string,
  requestId: string,
  extra: { retryAfterSeconds?: number } = {},
): Json {
  if (provider === 'anthropic') {
    const type =
      status === 429
        ? 'rate_limit_error'
        : status === 529
          ? 'overloaded_error'
          : status === 401
            ? 'authentication_error'
            : status === 404
              ? 'not_found_error'
              : status === 400
                ? 'invalid_request_error'
                : 'api_error';
    return { type: 'error', error: { type, message }, request_id: requestId };
  }
  if (provider === 'gemini') {
    const statusText =
      status === 429
        ? 'RESOURCE_EXHAUSTED'
        : status === 503
          ? 'UNAVAILABLE'
          : status === 401
            ? 'UNAUTHENTICATED'
            : status === 404
              ? 'NOT_FOUND'
              : status === 400
                ? 'INVALID_ARGUMENT'
                : 'INTERNAL';
    return {
      error: {
        code: status,
        message,
        status: statusText,
        ...(status === 429
          ? {
              details: [
                {
                  '@type': 'type.googleapis.com/google.rpc.RetryInfo',
                  retryDelay: `${extra.retryAfterSeconds ?? 1}s`,
                },
              ],
            }
          : {}),
      },
    };
  }
  const code =
    status === 429
      ? 'rate_limit_exceeded'
      : status === 401
        ? 'invalid_api_key'
        : status === 404
          ? 'model_not_found'
          : status === 400
            ? 'invalid_request'
            : null;
  const type =
    status === 429
      ? 'requests'
      : status === 401
        ? 'invalid_request_error'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  return { error: { message, type, param: null, code } };
}
