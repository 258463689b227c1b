import * as z from 'zod';
import { idSchema } from './common.ts';

const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-25');

/** `GET /brands/{brandId}/metrics` query: a period and optional slices. */
export const MetricsQuerySchema = z
  .strictObject({
    from: dateSchema,
    to: dateSchema,
    provider: z.enum(['openai', 'anthropic', 'gemini', 'perplexity']).optional(),
    surface: z.enum(['api', 'api_web_search']).optional(),
    topic: idSchema('top').optional(),
    promptSetVersion: z.coerce.number().int().positive().optional(),
    /** Only answers to branded (`true`) or non-branded (`false`) prompts. */
    branded: z.enum(['true', 'false']).optional(),
    /** Share-of-voice scope. @default 'non-branded' */
    scope: z.enum(['non-branded', 'all']).default('non-branded'),
    /** When given, the response also carries `series`: the same metrics per UTC day or per ISO week (Mon-Sun). */
    granularity: z.enum(['day', 'week']).optional(),
  })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= 366, {
    message: 'a period is at most 366 days',
    path: ['to'],
  });
export type MetricsQuery = z.input<typeof MetricsQuerySchema>;

const proportion = z.object({
  k: z.number(),
  n: z.number(),
  value: z.number().nullable(),
  /** 95% interval: design-effect Wilson over prompt runs (docs/analysis.md, "Intervals"); plain Wilson when `clusters` is 0. */
  ci: z.tuple([z.number(), z.number()]),
  /** Prompt runs (a prompt's answers from one provider on one day or week) the interval was estimated over; 0 = none known. */
  clusters: z.number().optional(),
  /** Design effect: the clustered variance over the independent-answers one (≥ 1). */
  deff: z.number().optional(),
});
const mean = z.object({
  n: z.number(),
  value: z.number().nullable(),
  sd: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  /** Prompt runs the interval was estimated over; 0 = none known (values taken as independent). */
  clusters: z.number().optional(),
});

export const EntityMetricsSchema = z.object({
  entityId: z.string(),
  /** Brand or competitor name, filled in by the API. */
  name: z.string(),
  kind: z.enum(['brand', 'competitor']),
  mentionRate: proportion,
  shareOfVoice: proportion.nullable(),
  averagePosition: mean,
  sentiment: mean,
  answerSentiment: mean,
  citationShare: proportion,
  citationConsistency: proportion,
  positionAdjustedWordCount: z.number().nullable(),
  visibilityScore: z.object({
    value: z.number(),
    raw: z.number(),
    damping: z.number(),
    components: z.object({
      mentionRate: z.number(),
      shareOfVoice: z.number(),
      position: z.number(),
      sentiment: z.number(),
      citationConsistency: z.number(),
    }),
  }),
});
export type EntityMetricsView = z.infer<typeof EntityMetricsSchema>;

/** One bucket of a metrics series (a function so it can be declared before use without ordering trouble). */
function MetricsBucketSchema() {
  return z.object({
    /** `YYYY-MM-DD` (day) or `YYYY-Www` (ISO week). */
    period: z.string(),
    /** The bucket's first and last day inside the period. */
    from: z.string(),
    to: z.string(),
    n: z.number(),
    shareOfVoiceN: z.number(),
    brand: EntityMetricsSchema,
    competitors: z.array(EntityMetricsSchema),
  });
}

/** Metrics of a brand and its competitors over a period, each rate with n and a 95% Wilson interval. */
export const MetricsResponseSchema = z.object({
  brandId: z.string(),
  from: z.string(),
  to: z.string(),
  filter: z.record(z.string(), z.unknown()),
  scope: z.enum(['non-branded', 'all']),
  /** Analysed answers in scope. */
  n: z.number(),
  shareOfVoiceN: z.number(),
  brand: EntityMetricsSchema,
  competitors: z.array(EntityMetricsSchema),
  /** With `granularity`: every day or ISO week of the period in order (edge weeks clipped to it; empty ones n = 0). */
  series: z.array(MetricsBucketSchema()).optional(),
});
export type MetricsResponse = z.infer<typeof MetricsResponseSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Warehouse analytics: named queries over the lake (Snowflake in AWS, DuckDB locally), each row typed here.

/** Page sizes of the warehouse routes: rows per page by default, and at most. */
export const ANALYTICS_DEFAULT_PAGE_SIZE = 5000;
export const ANALYTICS_MAX_PAGE_SIZE = 5000;

/**
 * `GET /brands/{brandId}/analytics/*` query: a period, optional slices (provider, surface, topic, prompt-set version,
 * branded, locale), CSV export and cursor pages.
 */
export const AnalyticsQuerySchema = z
  .strictObject({
    from: dateSchema,
    to: dateSchema,
    provider: z.enum(['openai', 'anthropic', 'gemini', 'perplexity']).optional(),
    surface: z.enum(['api', 'api_web_search']).optional(),
    /** One topic of the brand (answers to prompts without a topic are left out). */
    topic: idSchema('top').optional(),
    /** Answers of runs on this prompt-set version. */
    promptSetVersion: z.coerce.number().int().positive().optional(),
    /** Only answers to branded (`true`) or non-branded (`false`) prompts. */
    branded: z.enum(['true', 'false']).optional(),
    /** Prompt locale, e.g. `en-US`. */
    locale: z
      .string()
      .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'expected a locale such as en-US')
      .optional(),
    /** `csv` returns the same rows as `text/csv` (a header line, then one line per row). @default 'json' */
    format: z.enum(['json', 'csv']).default('json'),
    /** Rows per page. @default 5000 (the maximum: existing clients that read one response keep every row of a typical period) */
    limit: z.coerce.number().int().min(1).max(ANALYTICS_MAX_PAGE_SIZE).default(ANALYTICS_DEFAULT_PAGE_SIZE),
    /** `nextCursor` of the previous page (same query and filters). */
    cursor: z.string().max(512).optional(),
  })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= 366, {
    message: 'a period is at most 366 days',
    path: ['to'],
  });
export type AnalyticsQuery = z.input<typeof AnalyticsQuerySchema>;

/** Per day × provider × surface: analysed answers, answers mentioning the brand, mean rank and sentiment. */
export const TrendRowSchema = z.object({
  day: z.string(),
  provider: z.string(),
  surface: z.string(),
  answers: z.number().int(),
  brandMentioned: z.number().int(),
  /** Mean 1-based rank of the brand's first mention, over answers mentioning it. */
  meanRank: z.number().nullable(),
  /** Mean entity sentiment toward the brand in [-1, 1], over answers mentioning it. */
  meanSentiment: z.number().nullable(),
});
export type TrendRow = z.infer<typeof TrendRowSchema>;

/** Per tracked entity × provider: answers in scope for that provider, answers mentioning the entity, mentions. */
export const CompetitorRowSchema = z.object({
  entityId: z.string(),
  kind: z.enum(['brand', 'competitor']),
  provider: z.string(),
  answers: z.number().int(),
  mentioned: z.number().int(),
  mentions: z.number().int(),
});
export type CompetitorRow = z.infer<typeof CompetitorRowSchema>;

/** Per topic (null = no topic): answers, answers mentioning the brand, mean brand sentiment. */
export const TopicRowSchema = z.object({
  topicId: z.string().nullable(),
  answers: z.number().int(),
  brandMentioned: z.number().int(),
  meanSentiment: z.number().nullable(),
});
export type TopicRow = z.infer<typeof TopicRowSchema>;

/** Per cited domain and class: citations and distinct answers citing it, most cited first (at most 100). */
export const SourceRowSchema = z.object({
  domain: z.string(),
  class: z.enum(['owned', 'competitor', 'third-party']),
  citations: z.number().int(),
  answers: z.number().int(),
});
export type SourceRow = z.infer<typeof SourceRowSchema>;

/** Per prompt × day: answers and answers mentioning the brand (mention rate = brandMentioned / answers). */
export const PromptHistoryRowSchema = z.object({
  promptId: z.string(),
  day: z.string(),
  answers: z.number().int(),
  brandMentioned: z.number().int(),
  mentionRate: z.number(),
});
export type PromptHistoryRow = z.infer<typeof PromptHistoryRowSchema>;

/** Per prompt × tracked entity: answers to the prompt in scope and those mentioning the entity (the heat map). */
export const PromptEntityRowSchema = z.object({
  promptId: z.string(),
  entityId: z.string(),
  kind: z.enum(['brand', 'competitor']),
  /** Analysed answers to the prompt in scope: the same denominator for every entity of the prompt. */
  answers: z.number().int(),
  /** Answers to the prompt mentioning the entity (mention rate = mentioned / answers). */
  mentioned: z.number().int(),
});
export type PromptEntityRow = z.infer<typeof PromptEntityRowSchema>;

/** One analysed answer in scope, newest day first (at most 5,000): what the prompt drill-down pages over. */
export const AnswerRefRowSchema = z.object({
  answerId: z.string(),
  runId: z.string(),
  promptId: z.string(),
  day: z.string(),
  provider: z.string(),
  surface: z.string(),
});
export type AnswerRefRow = z.infer<typeof AnswerRefRowSchema>;

/** The warehouse's named analytical queries and their row schemas. */
export const ANALYTICS_ROW_SCHEMAS = {
  trends: TrendRowSchema,
  competitors: CompetitorRowSchema,
  topics: TopicRowSchema,
  sources: SourceRowSchema,
  prompts: PromptHistoryRowSchema,
  matrix: PromptEntityRowSchema,
  answers: AnswerRefRowSchema,
} as const;
export type AnalyticsQueryName = keyof typeof ANALYTICS_ROW_SCHEMAS;
export type AnalyticsRow<N extends AnalyticsQueryName> = z.infer<(typeof ANALYTICS_ROW_SCHEMAS)[N]>;

/** Response of `GET /brands/{brandId}/analytics/<name>` (JSON). */
export const analyticsResponseSchema = <T extends z.ZodType>(row: T) =>
  z.object({
    brandId: z.string(),
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
    rows: z.array(row),
    /** The next page's cursor (pass it as `cursor` with the same query); null on the last page. */
    nextCursor: z.string().nullable(),
  });
