import { approxTokens } from './answers.ts';
import {
  ALNUM,
  capped,
  type Json,
  MARKERS,
  markerIndexes,
  modelVersionOf,
  type RenderContext,
  stripMarkers,
} from './protocol-support.ts';
import { token } from './rng.ts';

/** Pages a search returns besides the ones the answer ends up citing (retrieved, not cited). */
const UNCITED_RESULTS = [
  { url: 'https://www.reddit.com/r/SaaS/comments/1e9q0z/analytics_tools/', title: 'r/SaaS: analytics tools?' },
  { url: 'https://www.producthunt.com/categories/analytics', title: 'Best analytics tools | Product Hunt' },
];

/**
 * An Anthropic Messages response. On the web-search surface it is shaped like Claude's real turns: a preamble,
 * a search, the first half of the answer (text blocks split at each citation), a second search, the rest. Drawn per
 * request: the turn stops half-way with `stop_reason: pause_turn` (the client sends the content back and gets the
 * rest), or every search fails inside the 200 (`web_search_tool_result_error`) and Claude answers from memory.
 */
export function anthropicMessage(ctx: RenderContext): Json {
  const web = ctx.request.surface === 'api_web_search';
  const searchError = web && (ctx.shape?.searchError ?? false);
  const continuation = ctx.request.continuation ?? false;
  const pause = web && !continuation && (ctx.shape?.pauseTurn ?? false);
  const all: Json[] = [];
  let searches = 0;
  const search = (query: string, results: { url: string; title: string }[]) => {
    const id = `srvtoolu_${token(ctx.rng, 24, ALNUM)}`;
    searches++;
    all.push({ type: 'server_tool_use', id, name: 'web_search', input: { query }, caller: { type: 'direct' } });
    all.push({
      type: 'web_search_tool_result',
      tool_use_id: id,
      caller: { type: 'direct' },
      content: searchError
        ? { type: 'web_search_tool_result_error', error_code: 'unavailable' }
        : results.map((s) => ({
            type: 'web_search_result',
            url: s.url,
            title: s.title,
            encrypted_content: token(ctx.rng, 64, `${ALNUM}+/`),
            page_age: 'September 18, 2025',
          })),
    });
  };
  let truncated = false;
  let halfway = 0;
  if (web && ctx.outcome !== 'refusal') {
    all.push({ type: 'text', text: "I'll search for current information on this.", citations: null });
    search(ctx.answer.searchQueries[0] ?? ctx.request.prompt, [...ctx.answer.sources, UNCITED_RESULTS[0]!]);
  }
  if (ctx.outcome === 'answer') {
    const full = web ? ctx.answer.text : stripMarkers(ctx.answer.text);
    const capResult = capped(full, ctx.request.maxTokens);
    truncated = capResult.truncated;
    const lines = capResult.text.split('\n');
    const half = web ? Math.ceil(lines.length / 2) : lines.length;
    const pushLines = (from: number, to: number) => {
      // One text block per cited line (with its citations); uncited lines merge into plain blocks.
      let plain = '';
      for (let i = from; i < to; i++) {
        const line = lines[i]!;
        const newline = i < to - 1 ? '\n' : '';
        const groups = web ? [...line.matchAll(MARKERS)] : [];
        if (groups.length === 0 || searchError) {
          plain += stripMarkers(line) + newline;
          continue;
        }
        if (plain) all.push({ type: 'text', text: plain, citations: null });
        plain = '';
        const stripped = stripMarkers(line);
        const cited = groups.flatMap((g) => markerIndexes(g[0])).map((index) => ctx.answer.sources[index]);
        all.push({
          type: 'text',
          text: stripped + newline,
          citations: cited
            .filter((s) => s !== undefined)
            .map((s) => ({
              type: 'web_search_result_location',
              url: s.url,
              title: s.title,
              cited_text: stripped.slice(0, 150),
              encrypted_index: token(ctx.rng, 32, ALNUM),
            })),
        });
      }
      if (plain) all.push({ type: 'text', text: plain, citations: null });
    };
    pushLines(0, half);
    halfway = all.length;
    if (web && half < lines.length) {
      search(ctx.answer.searchQueries[1] ?? `${ctx.answer.searchQueries[0] ?? ctx.request.prompt} reviews`, [
        UNCITED_RESULTS[1]!,
        ...ctx.answer.sources,
      ]);
      pushLines(half, lines.length);
    }
  } else {
    halfway = all.length;
  }
  // A paused turn returns the first half; its continuation (the content sent back) returns the rest.
  const content = pause ? all.slice(0, halfway) : continuation ? all.slice(halfway) : all;
  const searchesHere = content.filter((b) => b['type'] === 'server_tool_use').length;
  const inputTokens = approxTokens(ctx.request.prompt) + (web ? 1500 + 1600 * searchesHere : 10);
  const outputTokens =
    content.filter((b) => b['type'] === 'text').reduce((sum, b) => sum + approxTokens(String(b['text'])), 0) || 3;
  const stopReason =
    ctx.outcome === 'refusal' ? 'refusal' : pause ? 'pause_turn' : truncated ? 'max_tokens' : 'end_turn';
  return {
    id: `msg_01${token(ctx.rng, 22, ALNUM)}`,
    type: 'message',
    role: 'assistant',
    model: modelVersionOf('anthropic', ctx.request.model),
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { thinking_tokens: 0 },
      server_tool_use: { web_search_requests: searches > 0 ? searchesHere : 0, web_fetch_requests: 0 },
      service_tier: 'standard',
      inference_geo: 'global',
      speed: 'standard',
    },
  };
}
