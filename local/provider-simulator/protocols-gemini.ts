import { approxTokens } from './answers.ts';
import {
  asObject,
  capped,
  domainOf,
  type Json,
  MARKERS,
  markerIndexes,
  modelVersionOf,
  type RenderContext,
  stripMarkers,
} from './protocol-support.ts';
import { geminiThoughts, groundingRedirectUri } from './realism.ts';

/**
 * A Gemini `generateContent` response. Like the real API: thinking models spend `thoughtsTokenCount` out of the
 * same `maxOutputTokens` as the answer (a cap used up by thinking gives `MAX_TOKENS` with no text), and grounding
 * chunks carry `vertexaisearch.cloud.google.com/grounding-api-redirect/…` URIs with the source's domain as title.
 */
export function geminiResponse(ctx: RenderContext): Json {
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
  const thoughts =
    ctx.outcome === 'answer' ? geminiThoughts(ctx.request.model, ctx.request.thinking ?? null, ctx.rng) : 0;
  // Thinking comes out of the same cap; what is left is the room for the answer.
  const room = ctx.request.maxTokens === null ? null : Math.max(0, ctx.request.maxTokens - thoughts);
  const thoughtsUsed = ctx.request.maxTokens === null ? thoughts : Math.min(thoughts, ctx.request.maxTokens);
  const { text: finalText, truncated } = capped(text, room);
  const candidatesTokens = ctx.outcome === 'empty' || !finalText ? 0 : approxTokens(finalText);
  const toolTokens = web ? 180 : 0;
  const answered = ctx.outcome === 'answer' && finalText.length > 0;
  return {
    candidates: [
      {
        // A cap used up by thinking: the candidate has no parts at all.
        content: answered ? { parts: [{ text: finalText }], role: 'model' } : { role: 'model' },
        finishReason: truncated ? 'MAX_TOKENS' : 'STOP',
        index: 0,
        ...(web && answered
          ? {
              groundingMetadata: {
                webSearchQueries: ctx.answer.searchQueries,
                searchEntryPoint: { renderedContent: '<div class="container">Google Search suggestions</div>' },
                groundingChunks: ctx.answer.sources.map((s) => ({
                  web: { uri: groundingRedirectUri(s.url), title: domainOf(s.url) },
                })),
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
      ...(thoughtsUsed ? { thoughtsTokenCount: thoughtsUsed } : {}),
      ...(toolTokens ? { toolUsePromptTokenCount: toolTokens } : {}),
      totalTokenCount: promptTokens + candidatesTokens + thoughtsUsed + toolTokens,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    },
    ...base,
  };
}
