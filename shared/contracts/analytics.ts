import { z } from 'zod';
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
    /** Share-of-voice scope. @default 'non-branded' */
    scope: z.enum(['non-branded', 'all']).default('non-branded'),
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
  ci: z.tuple([z.number(), z.number()]),
});
const mean = z.object({
  n: z.number(),
  value: z.number().nullable(),
  sd: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
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
});
export type MetricsResponse = z.infer<typeof MetricsResponseSchema>;
