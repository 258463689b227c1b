import type { AnswerSurface, ProviderId } from '#shared/ports/ai-provider.ts';
import type { SimulatedAnswer } from './answers.ts';
import { approxTokens } from './answers.ts';
import type { ResponseShape } from './faults.ts';
import { reportedModelId } from './models.ts';
import type { Rng } from './rng.ts';

/** What the protocol renderers share: the request as parsed, the render context and text helpers. */

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
  /** Gemini `generationConfig.thinkingConfig`, when sent. */
  thinking?: { thinkingBudget?: number; thinkingLevel?: string } | null;
  /** Anthropic: the request continues a paused turn (its last message is the assistant's content). */
  continuation?: boolean;
  /** OpenAI Responses `include` (e.g. `web_search_call.action.sources`). */
  include?: string[];
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
  /** Odd-but-normal shapes drawn for this response (pause_turn, in-response search errors...). */
  shape?: ResponseShape;
}

export type Json = Record<string, unknown>;
export const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const MARKERS = /(?:\[\d+\])+/g;
export const stripMarkers = (text: string) => text.replace(MARKERS, '');
export const markerIndexes = (group: string) => [...group.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]) - 1);
export const domainOf = (url: string) => new URL(url).hostname.replace(/^www\./, '');

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Output length after honouring `max_tokens`, as a real model would stop. */
export function capped(text: string, maxTokens: number | null): { text: string; truncated: boolean } {
  if (maxTokens === null || approxTokens(text) <= maxTokens) return { text, truncated: false };
  return { text: text.slice(0, Math.max(0, maxTokens) * 4), truncated: true };
}

/** The dated snapshot a provider reports for a model alias. */
export function modelVersionOf(provider: ProviderId, model: string): string {
  if (/\d{4}-\d{2}-\d{2}$|\d{8}$/.test(model)) return model;
  return reportedModelId(provider, model);
}
