/**
 * `promptpulse.metric.alert`: a metric swung beyond its normal range (docs/signals.md, docs/events.md). Raised by
 * the signals swing detector for volume and sentiment toward a brand per source and day; the evidence is what the
 * alert was judged on, so a consumer (Action Hub, CRM webhooks, the lake) needs nothing else to explain it.
 */
import * as z from 'zod';
import { envelopeAttributesSchema, makeEvent } from './envelope.ts';

const alertPostSchema = z.object({
  signalId: z.string(),
  url: z.string().nullable(),
  excerpt: z.string(),
  sentiment: z.number().min(-1).max(1),
  reach: z.number().min(0),
  publishedAt: z.iso.datetime(),
});

export const metricAlertDataSchema = z.object({
  tenantId: z.string(),
  brandId: z.string(),
  /** Stable per (brand, metric, source, day): the dedupe key of the alert. */
  alertId: z.string(),
  /** What was measured: `signals` = the social/news signal aggregates. */
  scope: z.literal('signals'),
  metric: z.enum(['volume', 'sentiment']),
  /** Signal source, or `all` for every source together. */
  source: z.string(),
  /** UTC day the swing happened. */
  day: z.iso.date(),
  direction: z.enum(['up', 'down']),
  severity: z.enum(['warning', 'critical']),
  observed: z.object({ value: z.number(), n: z.number().min(0) }),
  baseline: z.object({
    days: z.number().int().min(0),
    value: z.number(),
    spread: z.number().min(0),
    n: z.number().min(0),
  }),
  change: z.object({ absolute: z.number(), relative: z.number().nullable(), z: z.number() }),
  thresholds: z.record(z.string(), z.number()),
  /** Collection volume of the source that day and its baseline median (the collection-drop rule's inputs). */
  collection: z.object({ observed: z.number().min(0), baseline: z.number().min(0) }),
  /** The day's most negative posts about the brand, strongest first (at most 5). */
  topNegativePosts: z.array(alertPostSchema).max(5),
  detectedAt: z.iso.datetime(),
});
export type MetricAlertData = z.infer<typeof metricAlertDataSchema>;

export const metricAlertEventSchema = envelopeAttributesSchema.extend({
  type: z.literal('promptpulse.metric.alert'),
  data: metricAlertDataSchema,
});
export type MetricAlertEvent = z.infer<typeof metricAlertEventSchema>;

/**
 * The event of one alert. Its time is the start of the alert's day and its key the alert id, so the event id is
 * the same however often the alert is re-published (consumers are idempotent on it).
 */
export function metricAlertEvent(data: MetricAlertData): MetricAlertEvent {
  return makeEvent({
    type: 'promptpulse.metric.alert',
    tenantId: data.tenantId,
    subject: `brands/${data.brandId}/alerts/${data.alertId}`,
    time: `${data.day}T00:00:00.000Z`,
    key: data.alertId,
    data,
  });
}
