/**
 * Signals API and push contracts (docs/signals.md): the feed of analysed social/news posts, their daily series per
 * brand and source, and sentiment/volume swing alerts. Shared by the API (validation + OpenAPI) and the web app.
 */
import * as z from 'zod';
import { idSchema } from './common.ts';

/** Sources a signal can come from (same list as the `signal.observed` event). */
export const SIGNAL_SOURCE_VALUES = ['reddit', 'rss', 'x', 'meta', 'webhook'] as const;
export const SignalSourceParamSchema = z.enum(SIGNAL_SOURCE_VALUES);
/** Daily series and alerts also exist for all sources together. */
export const SERIES_SOURCE_ALL = 'all';
export const SeriesSourceSchema = z.enum([...SIGNAL_SOURCE_VALUES, SERIES_SOURCE_ALL]);
export type SeriesSource = z.infer<typeof SeriesSourceSchema>;

export const SENTIMENT_CLASSES = ['positive', 'neutral', 'negative'] as const;
export const SentimentClassSchema = z.enum(SENTIMENT_CLASSES);
export type SentimentClass = z.infer<typeof SentimentClassSchema>;

/** ISO 639 primary language subtag (`en`, `de`, `ja`), or `und` when the source did not say. */
export const SignalLanguageSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?:[a-z]{2,3}|und)$/, 'expected a two- or three-letter language code such as en, or und');

const daySchema = z.iso.date('expected a date YYYY-MM-DD');

/** Largest feed page. */
export const MAX_SIGNAL_PAGE = 100;
/** Longest series and alert period, in days. */
export const MAX_SIGNAL_PERIOD_DAYS = 366;

const periodDays = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

/** One analysed post in the feed. */
export const SignalFeedItemSchema = z.object({
  /** The `signal.observed` event id. */
  id: z.string(),
  brandId: z.string(),
  connectorId: z.string(),
  source: SignalSourceParamSchema,
  externalId: z.string(),
  kind: z.enum(['post', 'comment', 'article']),
  url: z.string().nullable(),
  channel: z.string().nullable(),
  author: z.string().nullable(),
  title: z.string().nullable(),
  /** The first characters of the text (the full text is in the lake). */
  excerpt: z.string(),
  language: z.string(),
  publishedAt: z.iso.datetime(),
  /** Audience figure used to rank posts (impressions, else followers, else interactions). */
  reach: z.number().min(0),
  /** Sentiment toward the brand when the post mentions it, else the post's own. */
  sentiment: z.object({ score: z.number().min(-1).max(1), class: SentimentClassSchema, towardBrand: z.boolean() }),
  /** Tracked entities the post mentions (brand and competitor ids). */
  mentions: z.array(z.string()),
});
export type SignalFeedItem = z.infer<typeof SignalFeedItemSchema>;

/** `GET /signals`: the feed, newest first. */
export const SignalFeedQuerySchema = z
  .strictObject({
    brandId: idSchema('brd').optional(),
    source: SignalSourceParamSchema.optional(),
    sentiment: SentimentClassSchema.optional(),
    language: SignalLanguageSchema.optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_SIGNAL_PAGE).default(25),
    cursor: z.string().max(2048).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] });
export type SignalFeedQuery = z.infer<typeof SignalFeedQuerySchema>;

export const SignalFeedPageSchema = z.object({
  items: z.array(SignalFeedItemSchema),
  nextCursor: z.string().nullable(),
});
export type SignalFeedPage = z.infer<typeof SignalFeedPageSchema>;

/** `GET /brands/{brandId}/signals/series`. */
export const SignalSeriesQuerySchema = z
  .strictObject({
    from: daySchema,
    to: daySchema,
    source: SeriesSourceSchema.optional(),
  })
  .refine((q) => q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] })
  .refine((q) => periodDays(q.from, q.to) < MAX_SIGNAL_PERIOD_DAYS, {
    message: `the period is limited to ${MAX_SIGNAL_PERIOD_DAYS} days`,
    path: ['to'],
  });
export type SignalSeriesQuery = z.infer<typeof SignalSeriesQuerySchema>;

export const SignalSeriesPointSchema = z.object({
  day: daySchema,
  source: SeriesSourceSchema,
  /** Signals collected for the brand. */
  volume: z.number().int().min(0),
  /** Of which mention the brand by name. */
  mentioned: z.number().int().min(0),
  positive: z.number().int().min(0),
  neutral: z.number().int().min(0),
  negative: z.number().int().min(0),
  /** Mean sentiment toward the brand over `n` signals that mention it (null when none). */
  sentiment: z.object({ n: z.number().int().min(0), mean: z.number().min(-1).max(1).nullable() }),
  /** Signals per language code. */
  languages: z.record(z.string(), z.number().int().min(0)),
});
export type SignalSeriesPoint = z.infer<typeof SignalSeriesPointSchema>;

export const SignalSeriesResponseSchema = z.object({
  brandId: z.string(),
  from: daySchema,
  to: daySchema,
  points: z.array(SignalSeriesPointSchema),
});
export type SignalSeriesResponse = z.infer<typeof SignalSeriesResponseSchema>;

/** `GET /brands/{brandId}/signals/top-posts`: a day's posts about the brand by reach, or the most negative ones. */
export const TopPostsQuerySchema = z.strictObject({
  day: daySchema,
  source: SeriesSourceSchema.default(SERIES_SOURCE_ALL),
  order: z.enum(['reach', 'negative']).default('reach'),
  limit: z.coerce.number().int().min(1).max(25).default(10),
});
export type TopPostsQuery = z.infer<typeof TopPostsQuerySchema>;

export const SIGNAL_ALERT_STATUSES = ['open', 'acknowledged', 'withdrawn'] as const;
export const SignalAlertStatusSchema = z.enum(SIGNAL_ALERT_STATUSES);

/** A post quoted as evidence of an alert. */
export const AlertPostSchema = SignalFeedItemSchema.pick({
  id: true,
  source: true,
  url: true,
  author: true,
  title: true,
  excerpt: true,
  publishedAt: true,
  reach: true,
  sentiment: true,
});
export type AlertPost = z.infer<typeof AlertPostSchema>;

export const TopPostsResponseSchema = z.object({
  brandId: z.string(),
  day: daySchema,
  source: SeriesSourceSchema,
  order: z.enum(['reach', 'negative']),
  items: z.array(AlertPostSchema),
});

export const SignalAlertEvidenceSchema = z.object({
  baseline: z.object({ days: z.number().int(), value: z.number(), spread: z.number(), n: z.number() }),
  observed: z.object({ value: z.number(), n: z.number() }),
  change: z.object({ absolute: z.number(), relative: z.number().nullable(), z: z.number() }),
  thresholds: z.record(z.string(), z.number()),
  collection: z.object({ observed: z.number(), baseline: z.number() }),
  /** The day's most negative posts about the brand (strongest first). */
  topNegativePosts: z.array(AlertPostSchema),
});
export type SignalAlertEvidence = z.infer<typeof SignalAlertEvidenceSchema>;

export const SignalAlertSchema = z.object({
  id: z.string(),
  brandId: z.string(),
  source: SeriesSourceSchema,
  metric: z.enum(['volume', 'sentiment']),
  direction: z.enum(['up', 'down']),
  day: daySchema,
  severity: z.enum(['warning', 'critical']),
  status: SignalAlertStatusSchema,
  evidence: SignalAlertEvidenceSchema,
  createdAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().nullable(),
  acknowledgedBy: z.string().nullable(),
  /** Set when later data (e.g. late posts of the same day) no longer shows the swing. */
  withdrawnAt: z.iso.datetime().nullable(),
});
export type SignalAlert = z.infer<typeof SignalAlertSchema>;

/** `GET /signals/alerts`: newest day first. `status` defaults to open and acknowledged (not withdrawn). */
export const SignalAlertsQuerySchema = z
  .strictObject({
    brandId: idSchema('brd').optional(),
    status: SignalAlertStatusSchema.optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_SIGNAL_PAGE).default(25),
    cursor: z.string().max(2048).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] });
export type SignalAlertsQuery = z.infer<typeof SignalAlertsQuerySchema>;

export const SignalAlertsPageSchema = z.object({
  items: z.array(SignalAlertSchema),
  nextCursor: z.string().nullable(),
});
export type SignalAlertsPage = z.infer<typeof SignalAlertsPageSchema>;

/** Alert ids are ULIDs (time = the alert's day), so ids sort by day. */
export const SignalAlertIdSchema = z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);

/** Push messages of the Signals area (members of the PushMessage union). */
export const SignalsPushSchemas = [
  z.object({
    type: z.literal('signals.observed'),
    /** Newest signals of one consumer batch (at most {@link MAX_PUSHED_SIGNALS}); `total` counts all of them. */
    items: z.array(SignalFeedItemSchema),
    total: z.number().int().min(0),
  }),
  z.object({ type: z.literal('signal.alert'), alert: SignalAlertSchema }),
] as const;
/** Signals per push message: the 32 KB frame holds ~10 items with 280-character excerpts. */
export const MAX_PUSHED_SIGNALS = 10;
/** Excerpt length kept in the feed and pushed. */
export const SIGNAL_EXCERPT_CHARS = 280;
