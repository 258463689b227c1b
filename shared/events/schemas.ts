import * as z from 'zod';
import { ProviderIdSchema, SurfaceSchema } from '../contracts/run-settings.ts';
import { RunStatusSchema } from '../contracts/runs.ts';
import { anyEnvelopeSchema, envelopeAttributesSchema } from './envelope.ts';
import { isPlainAnswerAnalyzedEvent } from './fast-validate.ts';
import { metricAlertEventSchema } from './metric-alert.ts';
import { answerReanalyzedEventSchema } from './reanalysis.ts';

const countsSchema = z.object({
  planned: z.number().int().min(0),
  succeeded: z.number().int().min(0),
  failed: z.number().int().min(0),
  skipped: z.number().int().min(0),
});

const usageSchema = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
});

/** What the analysis found about one tracked entity (brand or competitor) in one answer. */
export const entityObservationSchema = z.object({
  entityId: z.string().min(1),
  kind: z.enum(['brand', 'competitor']),
  mentioned: z.boolean(),
  /** All mentions, in text and in owned-domain URLs (the share-of-voice numerator). */
  mentions: z.number().int().min(0),
  /** 1-based rank of the first mention among tracked entities; null when not mentioned. */
  rank: z.number().int().positive().nullable(),
  /** Entity-level sentiment score in [-1, 1] (null when not mentioned). */
  sentiment: z.number().min(-1).max(1).nullable(),
  /** Sentiment of each in-text mention, in order (the metric "sentiment" is their mean: docs/analysis.md). */
  mentionSentiments: z.array(z.number().min(-1).max(1)),
  /** Citations (distinct URLs) to the entity's owned domains. */
  ownedCitations: z.number().int().min(0),
  /** Un-normalised position-adjusted word count of the entity in this answer (GEO). */
  positionAdjustedWords: z.number().min(0),
  primaryRecommendation: z.boolean(),
});
export type EntityObservation = z.infer<typeof entityObservationSchema>;

export const citationObservationSchema = z.object({
  url: z.string(),
  domain: z.string(),
  /** owned = the brand's domain, competitor = a tracked competitor's, else third-party. */
  class: z.enum(['owned', 'competitor', 'third-party']),
  entityId: z.string().nullable(),
  category: z.enum(['review', 'forum', 'news', 'encyclopedia', 'video', 'social', 'other']),
});

/** `promptpulse.answer.analyzed`: everything the rollups, the lake and the warehouse need about one answer. */
export const answerAnalyzedDataSchema = z.object({
  tenantId: z.string(),
  brandId: z.string(),
  runId: z.string(),
  answerId: z.string(),
  prompt: z.object({
    id: z.string(),
    /** Version of the prompt set the run used. */
    setVersion: z.number().int().positive(),
    /** The prompt names a tracked brand (excluded from share of voice by default). */
    branded: z.boolean(),
    topicId: z.string().nullable(),
    intent: z.string().nullable(),
    persona: z.string().nullable(),
  }),
  provider: ProviderIdSchema,
  model: z.string(),
  modelVersion: z.string().nullable(),
  surface: SurfaceSchema,
  locale: z.string(),
  sampleIndex: z.number().int().min(0),
  /** When the provider answered; the rollup day is its UTC date (stable under replays). */
  answeredAt: z.iso.datetime(),
  analyzerVersion: z.string(),
  refusal: z.boolean(),
  /** One entry per tracked entity (brand first), mentioned or not. */
  entities: z.array(entityObservationSchema).min(1),
  citations: z.array(citationObservationSchema),
  usage: usageSchema,
  costUsd: z.number().min(0).nullable(),
  latencyMs: z.number().min(0),
});
export type AnswerAnalyzedData = z.infer<typeof answerAnalyzedDataSchema>;

/** Where a signal came from (`webhook` = pushed to `POST /ingest/webhooks/{connectorId}`). */
export const SIGNAL_SOURCES = ['reddit', 'rss', 'x', 'meta', 'webhook'] as const;
export const signalSourceSchema = z.enum(SIGNAL_SOURCES);
export type SignalSource = z.infer<typeof signalSourceSchema>;

const count = z.number().int().min(0).nullable();

/** How a feed's bytes became text (docs/connectors.md, "Encodings"). */
export const feedDecodingSchema = z.object({
  /** The codec used (`utf-8`, `windows-1250`, `gbk`...). */
  encoding: z.string(),
  /** Why that codec: a byte-order mark, the HTTP charset, the XML declaration, detection, or the UTF-8 default. */
  encodingSource: z.enum(['bom', 'http', 'xml', 'detected', 'default']),
  /** The label the feed declared (header first, else XML declaration), lower-cased; null when it declared none. */
  declaredEncoding: z.string().nullable(),
  /** Detector confidence 0..1 when detected; null otherwise. */
  confidence: z.number().min(0).max(1).nullable(),
  /** Bytes of the whole document that could not become text, by reason (0 = nothing lost). */
  undecodable: z.object({
    /** Byte sequences invalid in the codec, replaced by U+FFFD. */
    invalid_sequence: z.number().int().min(0),
    /** C0 control characters XML forbids, removed. */
    control_character: z.number().int().min(0),
  }),
});
export type FeedDecoding = z.infer<typeof feedDecodingSchema>;

/** What a feed item's reading involved: the document's decoding, and whether the item carried a readable date. */
export const feedReadingSchema = z.object({
  decoding: feedDecodingSchema,
  /** True when the item had no readable date: `publishedAt` is then the feed's own date or the fetch time. */
  undated: z.boolean(),
  /** Where `publishedAt` came from: the item's date, the feed's (channel/feed) date, or the fetch time. */
  dateSource: z.enum(['item', 'feed', 'fetched']),
  /** The item's date as written when it could not be read (null when it had none or it was read). */
  unreadableDate: z.string().max(100).nullable(),
});
export type FeedReading = z.infer<typeof feedReadingSchema>;

/**
 * `promptpulse.signal.observed`: one post, comment or article from the social/news web, normalised and analysed by
 * the same engine as AI answers (docs/connectors.md). The event id is deterministic in tenant + connector +
 * externalId (see `signalObservedEvent`), so a re-poll or a retried publish republishes the same id.
 */
export const signalObservedDataSchema = z.object({
  tenantId: z.string(),
  brandId: z.string(),
  connectorId: z.string().min(1),
  source: signalSourceSchema,
  /** The source's own id of the item (Reddit fullname `t3_…`, tweet id, Graph id, feed guid/link, webhook id). */
  externalId: z.string().min(1).max(512),
  /** Item kind: a top-level post, a comment/reply, or a news article. */
  kind: z.enum(['post', 'comment', 'article']),
  /** externalId of the post a comment belongs to; null for posts and articles. */
  parentExternalId: z.string().nullable(),
  /** Permalink; null when the source gives none (webhook items may not). */
  url: z.string().nullable(),
  /** Where it was posted: subreddit (`r/analytics`), feed title, page name, search query; null when unknown. */
  channel: z.string().nullable(),
  author: z.string().nullable(),
  title: z.string().nullable(),
  /** Plain text (HTML stripped, entities decoded); what was analysed (the title, if any, is analysed with it). */
  text: z.string(),
  /** BCP 47 primary language (`en`, `de`, `ja`): as the source reports it, else detected from the text; null when neither. */
  language: z.string().nullable(),
  /** Where `language` came from: the source's own tag, or detection from the text; absent in older events. */
  languageSource: z.enum(['source', 'detected']).nullable().optional(),
  /** Feed items only: decoding and date provenance (absent for other sources and older events). */
  feed: feedReadingSchema.optional(),
  publishedAt: z.iso.datetime(),
  /** When the connector fetched it. */
  observedAt: z.iso.datetime(),
  /** Audience the item could reach (followers / subscribers / impressions as the source reports); null = unknown. */
  reach: z.object({ followers: count, impressions: count }),
  /** Interactions as the source reports them; null = the source does not report that number. */
  engagement: z.object({ score: count, likes: count, comments: count, shares: count }),
  analyzerVersion: z.string(),
  /** Sentiment of the whole item (not toward any entity), same lexicon and thresholds as entity sentiment. */
  sentiment: z.object({
    score: z.number().min(-1).max(1),
    label: z.enum(['positive', 'negative', 'neutral', 'mixed']),
  }),
  /** One entry per tracked entity (brand first), mentioned or not, with target sentiment. */
  entities: z.array(entityObservationSchema).min(1),
  citations: z.array(citationObservationSchema),
});
export type SignalObservedData = z.infer<typeof signalObservedDataSchema>;

const runFields = {
  tenantId: z.string(),
  brandId: z.string(),
  runId: z.string(),
  status: RunStatusSchema,
  promptSetVersion: z.number().int().min(0),
  counts: countsSchema,
};

/** `promptpulse.run.progressed`: a snapshot of a run's counters while it runs. */
export const runProgressedDataSchema = z.object({ ...runFields, at: z.iso.datetime() });
export type RunProgressedData = z.infer<typeof runProgressedDataSchema>;

/** `promptpulse.run.completed`: a run reached its terminal status. */
export const runCompletedDataSchema = z.object({
  ...runFields,
  trigger: z.enum(['manual', 'schedule']),
  perProvider: z.record(z.string(), countsSchema),
  usage: usageSchema.extend({ costUsd: z.number().min(0) }),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime(),
});
export type RunCompletedData = z.infer<typeof runCompletedDataSchema>;

export const answerAnalyzedEventSchema = envelopeAttributesSchema.extend({
  type: z.literal('promptpulse.answer.analyzed'),
  data: answerAnalyzedDataSchema,
});
export const runProgressedEventSchema = envelopeAttributesSchema.extend({
  type: z.literal('promptpulse.run.progressed'),
  data: runProgressedDataSchema,
});
export const runCompletedEventSchema = envelopeAttributesSchema.extend({
  type: z.literal('promptpulse.run.completed'),
  data: runCompletedDataSchema,
});
export const signalObservedEventSchema = envelopeAttributesSchema.extend({
  type: z.literal('promptpulse.signal.observed'),
  data: signalObservedDataSchema,
});

/** Every canonical event with a data schema, discriminated by `type`. */
export const canonicalEventSchema = z.discriminatedUnion('type', [
  answerAnalyzedEventSchema,
  runProgressedEventSchema,
  runCompletedEventSchema,
  signalObservedEventSchema,
  metricAlertEventSchema,
  answerReanalyzedEventSchema,
]);
export type KnownCanonicalEvent = z.infer<typeof canonicalEventSchema>;
export type AnswerAnalyzedEvent = z.infer<typeof answerAnalyzedEventSchema>;
export type RunCompletedEvent = z.infer<typeof runCompletedEventSchema>;
export type RunProgressedEvent = z.infer<typeof runProgressedEventSchema>;
export type SignalObservedEvent = z.infer<typeof signalObservedEventSchema>;

/** Schemas exported to docs/events/<name>.schema.json. */
export const EXPORTED_SCHEMAS = {
  envelope: anyEnvelopeSchema,
  'answer.analyzed': answerAnalyzedEventSchema,
  'run.progressed': runProgressedEventSchema,
  'run.completed': runCompletedEventSchema,
  'signal.observed': signalObservedEventSchema,
  'metric.alert': metricAlertEventSchema,
  'answer.reanalyzed': answerReanalyzedEventSchema,
} as const;

export type ParsedRecord =
  | { ok: true; event: KnownCanonicalEvent }
  | {
      ok: false;
      reason: string /** Envelope id and type when at least those were readable. */;
      id?: string;
      type?: string;
    };

/**
 * Parses one stream record's bytes (UTF-8 JSON) into a known canonical event. Never throws: the reason says why a
 * record is unusable (bad JSON, not a CloudEvent, unknown type, invalid data), so a consumer can log and skip it.
 */
export function parseCanonicalEvent(text: string): ParsedRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  // Hot path: a plain valid answer event passes the hand-written check (never laxer than the schema) and is not
  // parsed again. Everything else takes the full schema (which checks the envelope too); the envelope alone is
  // parsed only to explain a failure.
  if (isPlainAnswerAnalyzedEvent(json)) {
    if (json.tenantid !== json.data.tenantId) {
      return { ok: false, reason: 'tenantid does not match data.tenantId', id: json.id, type: json.type };
    }
    return { ok: true, event: json };
  }
  const parsed = canonicalEventSchema.safeParse(json);
  if (parsed.success) {
    const { id, type } = parsed.data;
    if (parsed.data.tenantid !== parsed.data.data.tenantId) {
      return { ok: false, reason: 'tenantid does not match data.tenantId', id, type };
    }
    return { ok: true, event: parsed.data };
  }
  const envelope = anyEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `not a canonical event: ${summarize(envelope.error)}` };
  const { id, type } = envelope.data;
  return { ok: false, reason: `invalid ${type}: ${summarize(parsed.error)}`, id, type };
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
