import * as z from 'zod';
import { checkRedditQuery } from '../domain/reddit-query.ts';
import { checkXQuery } from '../domain/x-query.ts';
import { signalObservedDataSchema, signalSourceSchema } from '../events/schemas.ts';
import { idSchema, textSchema } from './common.ts';

/** Per-source configuration a tenant enters. Every field is validated here; unknown fields are refused. */
const subredditName = z
  .string()
  .trim()
  .transform((s) => s.replace(/^\/?r\//i, ''))
  .pipe(z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'expected a subreddit name such as analytics'));
const searchQuery = textSchema(1, 512, 'Query');

/**
 * How far back the first poll reads (later polls read only what is new): bounded so one connector cannot spend a
 * platform budget on history. X recent search reaches 7 days; Reddit listings stop near 1,000 posts anyway.
 */
const backfillHours = (max: number) =>
  z.number().int().min(1).max(max).optional().describe('Hours the first poll reads back (default 24)');

/**
 * Comments keep arriving for days: a post's thread is revisited for this many hours after it was first read (default
 * 72), at most this many threads per poll (default 10), so comment collection is bounded per poll.
 */
const commentRevisits = {
  commentWindowHours: z.number().int().min(1).max(168).optional(),
  maxThreadRevisitsPerPoll: z.number().int().min(1).max(50).optional(),
};

export const RedditConfigSchema = z
  .strictObject({
    source: z.literal('reddit'),
    /** `search`: site-wide (or within `subreddit`) search for `query`; `subreddit`: the subreddit's newest posts. */
    mode: z.enum(['search', 'subreddit']),
    query: searchQuery.optional(),
    subreddit: subredditName.optional(),
    /** Also fetch the comments of each new post (one request per post; bounded by `maxCommentsPerPost`). */
    includeComments: z.boolean().default(false),
    maxCommentsPerPost: z.number().int().min(1).max(100).default(20),
    backfillHours: backfillHours(720),
    ...commentRevisits,
  })
  .refine((c) => (c.mode === 'search' ? Boolean(c.query) : Boolean(c.subreddit)), {
    message: 'search needs a query; subreddit mode needs a subreddit',
    path: ['query'],
  });

export const RssConfigSchema = z.strictObject({
  source: z.literal('rss'),
  /** RSS 2.0 or Atom feed URL; must pass the outbound URL rules (https, public address). */
  feedUrl: z.string().trim().min(1).max(2048),
  /** Language to assume when the feed does not declare one (BCP 47 primary tag). */
  defaultLanguage: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'expected a language such as en')
    .optional(),
});

export const XConfigSchema = z.strictObject({
  source: z.literal('x'),
  /** X API v2 recent-search query (operators allowed), e.g. `"Acme Analytics" -is:retweet`. */
  query: textSchema(1, 4096, 'Query'),
  /** The X API plan of the app credentials (default basic): its query length and operators. */
  tier: z.enum(['basic', 'pro']).optional(),
  backfillHours: backfillHours(168),
});

export const MetaConfigSchema = z.strictObject({
  source: z.literal('meta'),
  /** Facebook Page id (numeric) or username whose posts (and their comments) are read. */
  pageId: z.string().regex(/^[A-Za-z0-9.]{1,100}$/, 'expected a Page id or username'),
  includeComments: z.boolean().default(true),
  backfillHours: backfillHours(720),
  ...commentRevisits,
});

/**
 * How a sender signs its requests: `promptpulse` (X-PromptPulse-Timestamp/-Signature), `standard` (Standard Webhooks:
 * webhook-id/-timestamp/-signature, as Svix and others send), `stripe` (Stripe-Signature t=…,v1=…), `hub` (GitHub
 * and Meta X-Hub-Signature-256), `slack` (X-Slack-Signature v0=…), `shopify` (X-Shopify-Hmac-Sha256).
 */
export const WEBHOOK_SCHEMES = ['promptpulse', 'standard', 'stripe', 'hub', 'slack', 'shopify'] as const;
export const WebhookSchemeSchema = z.enum(WEBHOOK_SCHEMES);
export type WebhookScheme = z.infer<typeof WebhookSchemeSchema>;

/** A path into a JSON document: keys and array indexes joined by dots (`data.author.name`, `media.0.url`). */
const jsonPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/, 'expected a path such as data.author.name');

/**
 * How a listening tool's own JSON becomes PromptPulse items, so it can post without a relay: where the list of items
 * is (`items`, empty = the body itself is the list, or one item) and, per item, the path of each field. `id`,
 * `text` and `publishedAt` are required; a date may be ISO 8601 or Unix seconds/milliseconds. An item the map cannot
 * read is skipped and counted with the reason; the rest of the body is kept.
 */
export const WebhookFieldMapSchema = z.strictObject({
  items: z.union([jsonPath, z.literal('')]).default(''),
  fields: z.strictObject({
    id: jsonPath,
    text: jsonPath,
    publishedAt: jsonPath,
    title: jsonPath.optional(),
    url: jsonPath.optional(),
    author: jsonPath.optional(),
    channel: jsonPath.optional(),
    language: jsonPath.optional(),
    kind: jsonPath.optional(),
    parentId: jsonPath.optional(),
    followers: jsonPath.optional(),
    likes: jsonPath.optional(),
    comments: jsonPath.optional(),
    shares: jsonPath.optional(),
  }),
});
export type WebhookFieldMap = z.infer<typeof WebhookFieldMapSchema>;

export const WebhookConfigSchema = z.strictObject({
  source: z.literal('webhook'),
  /** A listening tool's native JSON, mapped to items (default: the body is PromptPulse's `{"items":[…]}`). */
  fieldMap: WebhookFieldMapSchema.optional(),
  /** Replay window: a request whose timestamp is further than this from now is refused. */
  toleranceSeconds: z.number().int().min(30).max(900).default(300),
  /** The signing convention the sender speaks (default `promptpulse`); requests in any other are refused. */
  scheme: WebhookSchemeSchema.optional(),
});

export const ConnectorConfigSchema = z.discriminatedUnion('source', [
  RedditConfigSchema,
  RssConfigSchema,
  XConfigSchema,
  MetaConfigSchema,
  WebhookConfigSchema,
]);
export type ConnectorConfig = z.infer<typeof ConnectorConfigSchema>;
export type RedditConfig = z.infer<typeof RedditConfigSchema>;
export type RssConfig = z.infer<typeof RssConfigSchema>;
export type XConfig = z.infer<typeof XConfigSchema>;
export type MetaConfig = z.infer<typeof MetaConfigSchema>;
export type WebhookConfig = z.infer<typeof WebhookConfigSchema>;

export const CONNECTOR_STATUSES = ['active', 'paused', 'needs_attention', 'backing_off'] as const;
export const ConnectorStatusSchema = z.enum(CONNECTOR_STATUSES);
export type ConnectorStatus = z.infer<typeof ConnectorStatusSchema>;

/** Why an item was skipped (counted per connector, shown in the admin screen). */
export const SKIP_REASONS = [
  'deleted',
  'removed',
  'missing_id',
  'missing_date',
  'invalid_date',
  'empty_text',
  'malformed',
  'duplicate',
  'too_old',
  'repost',
] as const;
export const SkipReasonSchema = z.enum(SKIP_REASONS);
export type SkipReason = z.infer<typeof SkipReasonSchema>;
export type SkipCounts = Partial<Record<SkipReason, number>>;
const skipCountsSchema = z.partialRecord(SkipReasonSchema, z.number().int().min(0));

export const connectorIdSchema = idSchema('con');

const connectorInputShape = z.strictObject({
  brandId: idSchema('brd'),
  name: textSchema(1, 100, 'Name'),
  /** Minutes between polls (ignored for webhooks). */
  intervalMinutes: z.number().int().min(5).max(1440).default(15),
  config: ConnectorConfigSchema,
});

/**
 * A search query in the syntax of its platform, checked when a connector is saved (stored connectors are not
 * re-checked on read): X's rules for the plan (shared/domain/x-query.ts), Reddit's (shared/domain/reddit-query.ts).
 */
function checkQuery(input: { config: ConnectorConfig }, ctx: z.RefinementCtx) {
  const { config } = input;
  const problem =
    config.source === 'x'
      ? checkXQuery(config.query, config.tier ?? 'basic')
      : config.source === 'reddit' && config.query
        ? checkRedditQuery(config.query)
        : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['config', 'query'], message: problem });
}

export const ConnectorInputSchema = connectorInputShape.superRefine(checkQuery);
export type ConnectorInput = z.input<typeof ConnectorInputSchema>;
export type ConnectorInputParsed = z.infer<typeof ConnectorInputSchema>;

/** Edits keep the source and the brand: a different source is a different connector (its cursor means nothing). */
export const ConnectorUpdateSchema = connectorInputShape.omit({ brandId: true }).superRefine(checkQuery);

export const ConnectorErrorSchema = z.object({
  at: z.iso.datetime(),
  code: z.string(),
  message: z.string(),
});

export const ConnectorSchema = z.object({
  id: z.string(),
  brandId: z.string(),
  name: z.string(),
  source: signalSourceSchema,
  intervalMinutes: z.number().int(),
  config: ConnectorConfigSchema,
  status: ConnectorStatusSchema,
  /** Why the connector needs attention or is backing off; null when healthy. */
  statusMessage: z.string().nullable(),
  /** When the scheduler next polls it (null: paused, needs attention, or a webhook). */
  nextRunAt: z.iso.datetime().nullable(),
  lastRunAt: z.iso.datetime().nullable(),
  lastSuccessAt: z.iso.datetime().nullable(),
  lastError: ConnectorErrorSchema.nullable(),
  consecutiveFailures: z.number().int().min(0),
  itemsIngested: z.number().int().min(0),
  skipped: skipCountsSchema,
  /** Webhook connectors: ids and creation times of the valid signing secrets (values are shown only once). */
  webhookSecrets: z.array(z.object({ id: z.string(), createdAt: z.iso.datetime() })),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().positive(),
});
export type Connector = z.infer<typeof ConnectorSchema>;

/** Returned when a webhook connector is created or its secret rotated: the only time the value is shown. */
export const ConnectorWithSecretSchema = ConnectorSchema.extend({
  webhookSecret: z
    .object({ id: z.string(), value: z.string(), url: z.string() })
    .nullable()
    .describe('The new signing secret; store it now, it is never shown again'),
});

export const RotateSecretRequestSchema = z.strictObject({
  /** Ids of older secrets to revoke now (default: keep them valid until revoked, so senders can switch over). */
  revoke: z.array(z.string().max(64)).max(10).default([]),
  /**
   * A signing secret the sender generated and cannot be told otherwise (a Stripe endpoint secret, a Slack signing
   * secret, a Shopify app secret, a Meta app secret, a Svix `whsec_` secret); default: a new random one.
   */
  value: z
    .string()
    .min(16, 'A signing secret has at least 16 characters')
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'A signing secret is printable ASCII without spaces')
    .optional(),
});

/** A normalised item as the test ("fetch a sample now") returns it: what would be published, with its analysis. */
export const SampleItemSchema = signalObservedDataSchema.pick({
  source: true,
  externalId: true,
  kind: true,
  url: true,
  channel: true,
  author: true,
  title: true,
  text: true,
  language: true,
  publishedAt: true,
  engagement: true,
  sentiment: true,
  entities: true,
});

export const ConnectorTestResultSchema = z.object({
  ok: z.boolean(),
  /** Problem found (credentials, URL refused, source down); null when the fetch worked. */
  error: ConnectorErrorSchema.nullable(),
  items: z.array(SampleItemSchema),
  skipped: skipCountsSchema,
  /** More items are available beyond the sample. */
  more: z.boolean(),
  /** What the connector will read: posts a day from the sample, and for X the share of the plan's monthly cap. */
  volume: z
    .object({
      postsPerDay: z.number().nullable(),
      basis: z.string(),
      capShare: z.number().nullable(),
      warning: z.string().nullable(),
    })
    .nullable(),
});
export type ConnectorTestResult = z.infer<typeof ConnectorTestResultSchema>;

/** Body of `POST /ingest/webhooks/{connectorId}` (signed; see docs/connectors.md). */
export const WebhookItemSchema = z.strictObject({
  id: z.string().trim().min(1).max(512),
  kind: z.enum(['post', 'comment', 'article']).default('post'),
  parentId: z.string().max(512).nullable().default(null),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullable()
    .default(null),
  channel: z.string().max(200).nullable().default(null),
  author: z.string().max(200).nullable().default(null),
  title: z.string().max(1000).nullable().default(null),
  text: z.string().max(40_000),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
    .nullable()
    .default(null),
  publishedAt: z.iso.datetime({ offset: true }),
  reach: z
    .object({
      followers: z.number().int().min(0).nullable().default(null),
      impressions: z.number().int().min(0).nullable().default(null),
    })
    .default({ followers: null, impressions: null }),
  engagement: z
    .object({
      score: z.number().int().min(0).nullable().default(null),
      likes: z.number().int().min(0).nullable().default(null),
      comments: z.number().int().min(0).nullable().default(null),
      shares: z.number().int().min(0).nullable().default(null),
    })
    .default({ score: null, likes: null, comments: null, shares: null }),
});
export const WebhookBodySchema = z.strictObject({ items: z.array(WebhookItemSchema).min(1).max(100) });
export type WebhookBody = z.infer<typeof WebhookBodySchema>;

/** `POST /connectors/webhook-preview`: what a field map makes of a sample body, before it is saved. */
export const WebhookPreviewRequestSchema = z.strictObject({
  fieldMap: WebhookFieldMapSchema,
  /** A body as the tool sends it. */
  sample: z.unknown(),
});

export const WebhookPreviewResultSchema = z.object({
  /** The items the map reads (the first 10), as they would be ingested. */
  items: z.array(WebhookItemSchema),
  total: z.number().int(),
  skipped: skipCountsSchema,
  /** Why items were skipped, per item (the first 20): the field and what was wrong. */
  problems: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
});

export const WebhookResultSchema = z.object({
  accepted: z.number().int(),
  skipped: skipCountsSchema,
});
