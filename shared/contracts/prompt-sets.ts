import * as z from 'zod';
import { idSchema, localeSchema, textSchema } from './common.ts';

export const INTENTS = ['informational', 'commercial', 'comparison', 'navigational'] as const;
export const IntentSchema = z.enum(INTENTS);
export type Intent = z.infer<typeof IntentSchema>;

export const promptInputSchema = z.strictObject({
  /** Keeps a prompt's identity (and its history) across versions; omitted for a new prompt. */
  id: idSchema('prm').optional(),
  text: textSchema(5, 500, 'Prompt'),
  topicId: idSchema('top').nullable().default(null),
  intent: IntentSchema.default('informational'),
  locale: localeSchema.default('en-US'),
  persona: textSchema(1, 80, 'Persona').nullable().default(null),
  /** Accepted so a client can send back a prompt it read; always re-derived on the server. */
  branded: z.boolean().optional(),
});
export type PromptInput = z.input<typeof promptInputSchema>;

/** `PUT /brands/{brandId}/prompt-set` body: the full list for the next version (an edit never mutates a version). */
export const PromptSetInputSchema = z.strictObject({
  prompts: z.array(promptInputSchema).min(1, 'a prompt set needs at least one prompt'),
  note: textSchema(0, 200, 'Version note').default(''),
});
export type PromptSetInput = z.input<typeof PromptSetInputSchema>;

export const TrackedPromptSchema = z.object({
  id: idSchema('prm'),
  text: z.string(),
  topicId: z.string().nullable(),
  intent: IntentSchema,
  locale: z.string(),
  persona: z.string().nullable(),
  /** Derived: the prompt itself names the brand or a competitor (branded prompts are excluded from share of voice). */
  branded: z.boolean(),
});
export type TrackedPrompt = z.infer<typeof TrackedPromptSchema>;

export const PromptSetVersionSchema = z.object({
  brandId: idSchema('brd'),
  version: z.number().int().positive(),
  prompts: z.array(TrackedPromptSchema),
  note: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  counts: z.object({ total: z.number().int(), branded: z.number().int(), nonBranded: z.number().int() }),
});
export type PromptSetVersion = z.infer<typeof PromptSetVersionSchema>;

export const PromptSetVersionSummarySchema = PromptSetVersionSchema.omit({ prompts: true, brandId: true });
export type PromptSetVersionSummary = z.infer<typeof PromptSetVersionSummarySchema>;

export const PromptSetDiffSchema = z.object({
  from: z.number().int().min(0),
  to: z.number().int().positive(),
  added: z.array(TrackedPromptSchema),
  removed: z.array(TrackedPromptSchema),
  changed: z.array(
    z.object({ id: z.string(), before: TrackedPromptSchema, after: TrackedPromptSchema, fields: z.array(z.string()) }),
  ),
  unchanged: z.number().int(),
});
export type PromptSetDiff = z.infer<typeof PromptSetDiffSchema>;

/** `POST /brands/{brandId}/prompt-suggestions` body. */
export const SuggestPromptsRequestSchema = z.strictObject({
  personas: z
    .array(textSchema(1, 80, 'Persona'))
    .max(5)
    .default([]),
  locale: localeSchema.optional(),
  count: z.number().int().min(1).max(50).default(20),
});
export type SuggestPromptsRequest = z.input<typeof SuggestPromptsRequestSchema>;

export const PromptSuggestionSchema = z.object({
  text: z.string(),
  topicId: z.string().nullable(),
  intent: IntentSchema,
  locale: z.string(),
  persona: z.string().nullable(),
  branded: z.boolean(),
  source: z.enum(['template', 'llm']),
});
export type PromptSuggestion = z.infer<typeof PromptSuggestionSchema>;

export const PromptSuggestionsSchema = z.object({ suggestions: z.array(PromptSuggestionSchema) });

/** CSV columns for import/export, in order. `topic` is the topic's name; unknown topics are refused. */
export const PROMPT_CSV_COLUMNS = ['text', 'topic', 'intent', 'locale', 'persona'] as const;
