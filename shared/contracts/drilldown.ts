import * as z from 'zod';
import { idSchema } from './common.ts';
import { ProviderIdSchema, SurfaceSchema } from './run-settings.ts';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-25');

/** Largest drill-down page: answers carry their whole text (up to ~100 KB each), so pages stay small. */
export const DRILLDOWN_MAX_PAGE = 25;
/** The drill-down pages over at most this many answers of one prompt in a period (newest first). */
export const DRILLDOWN_MAX_ANSWERS = 5000;

/** `GET /brands/{brandId}/analytics/drilldown` query: one prompt of the brand, a period, optional slices, a page. */
export const DrilldownQuerySchema = z
  .strictObject({
    promptId: idSchema('prm'),
    from: dateSchema,
    to: dateSchema,
    provider: ProviderIdSchema.optional(),
    surface: SurfaceSchema.optional(),
    /** The same slices as the warehouse routes, so a heat-map cell and its drill-down count the same answers. */
    topic: idSchema('top').optional(),
    promptSetVersion: z.coerce.number().int().positive().optional(),
    branded: z.enum(['true', 'false']).optional(),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'expected a locale such as en-US')
      .optional(),
    /** Answers per page. @default 10 */
    limit: z.coerce.number().int().min(1).max(DRILLDOWN_MAX_PAGE).default(10),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(512).optional(),
  })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= 366, {
    message: 'a period is at most 366 days',
    path: ['to'],
  });
export type DrilldownQuery = z.input<typeof DrilldownQuerySchema>;

const entityKind = z.enum(['brand', 'competitor']);

/**
 * One mention of a tracked entity: `text.slice(start, end)` is the matched name (UTF-16 offsets into the answer
 * text), `via: 'url'` when it is an owned domain inside a link.
 */
export const DrilldownMentionSchema = z.object({
  entityId: z.string(),
  kind: entityKind,
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  text: z.string(),
  via: z.enum(['text', 'url']),
  /** Sentiment of the text around this mention toward the entity, in [-1, 1]. */
  sentiment: z.number(),
});
export type DrilldownMention = z.infer<typeof DrilldownMentionSchema>;

/** What the answer says about one tracked entity. */
export const DrilldownEntitySchema = z.object({
  entityId: z.string(),
  kind: entityKind,
  name: z.string(),
  mentioned: z.boolean(),
  mentionCount: z.number().int().min(0),
  /** 1-based rank of the first mention among the tracked entities mentioned; null when not mentioned. */
  rank: z.number().int().positive().nullable(),
  /** Target sentiment toward the entity in [-1, 1]; null when not mentioned. */
  sentiment: z.number().nullable(),
  sentimentLabel: z.enum(['positive', 'negative', 'neutral', 'mixed']).nullable(),
  primaryRecommendation: z.boolean(),
});
export type DrilldownEntity = z.infer<typeof DrilldownEntitySchema>;

export const DrilldownCitationSchema = z.object({
  url: z.string(),
  domain: z.string(),
  title: z.string().nullable(),
  /** owned = the brand's domain, competitor = a tracked competitor's, else third-party. */
  class: z.enum(['owned', 'competitor', 'third-party']),
  entityId: z.string().nullable(),
  /** Offsets of the URL in the text; null for provider-supplied citations. */
  start: z.number().int().nullable(),
  end: z.number().int().nullable(),
});
export type DrilldownCitation = z.infer<typeof DrilldownCitationSchema>;

/** One answer to the prompt, with everything needed to highlight it. */
export const DrilldownAnswerSchema = z.object({
  answerId: z.string(),
  runId: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  surface: SurfaceSchema,
  locale: z.string(),
  sampleIndex: z.number().int(),
  /** UTC day of the answer (the warehouse's day). */
  day: z.string(),
  answeredAt: z.iso.datetime(),
  text: z.string(),
  /** The analysis engine version the mentions come from (re-run with the brand's current configuration). */
  analyzerVersion: z.string(),
  /**
   * When the entity configuration this analysis was made with was saved (the analysis the numbers count, from the
   * re-analysis ledger); null for answers analysed before the ledger existed (shown with the current configuration).
   */
  configuredAt: z.iso.datetime().nullable(),
  refusal: z.boolean(),
  /** Mentions in text order, never overlapping. */
  mentions: z.array(DrilldownMentionSchema),
  /** One entry per tracked entity (brand first). */
  entities: z.array(DrilldownEntitySchema),
  citations: z.array(DrilldownCitationSchema),
  /** The output cap cut the answer off (brands late in a list may be missing); absent on older answers. */
  truncated: z.boolean().optional(),
  /** The provider's finish/stop reason, lower case; null when it did not say. */
  finishReason: z.string().nullable().optional(),
  /** Sources the provider searched or read but did not cite: a signal of their own, weaker than a citation. */
  retrievedSources: z.array(z.object({ url: z.string(), domain: z.string(), title: z.string().optional() })).optional(),
});
export type DrilldownAnswer = z.infer<typeof DrilldownAnswerSchema>;

/** `GET /brands/{brandId}/analytics/drilldown` response: one page of the prompt's answers, newest day first. */
export const DrilldownResponseSchema = z.object({
  brandId: z.string(),
  promptId: z.string(),
  /** The prompt's text in the newest answer (or the current prompt set); null when unknown. */
  promptText: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  filter: z.object({
    provider: z.string().optional(),
    surface: z.string().optional(),
    topic: z.string().optional(),
    promptSetVersion: z.number().optional(),
    branded: z.boolean().optional(),
    locale: z.string().optional(),
  }),
  /** Answers to the prompt in scope (capped at {@link DRILLDOWN_MAX_ANSWERS}). */
  total: z.number().int(),
  /** More answers exist than the drill-down pages over (only the newest are reachable). */
  truncated: z.boolean(),
  items: z.array(DrilldownAnswerSchema),
  nextCursor: z.string().nullable(),
});
export type DrilldownResponse = z.infer<typeof DrilldownResponseSchema>;
