import * as z from 'zod';
import { envelopeAttributesSchema, makeEvent } from './envelope.ts';

/**
 * `promptpulse.answer.reanalyzed`: a correction. The answer's analysis moved from one revision to the next (new
 * engine version or entity configuration); the event carries the rollup contribution of both, so the aggregator
 * retracts the old and applies the new in ONE idempotent entry (event id = tenant + answer + revision). Revisions
 * advance by compare-and-set on the stored analysis, so the corrections of an answer form a chain and their sum is
 * exactly the latest contribution minus the first (docs/events.md, "Corrections").
 */

const countersSchema = z.record(z.string().min(1).max(200), z.number());

/** The rollup cell the answer counts in (dimensions do not depend on the analysis, so both revisions share it). */
export const reanalysisCellSchema = z.object({
  day: z.iso.date(),
  promptSetVersion: z.number().int().min(0),
  provider: z.string().min(1),
  surface: z.string().min(1),
  topic: z.string().min(1),
  branded: z.boolean(),
});

const contributionSchema = z.object({
  analyzerVersion: z.string(),
  configFingerprint: z.string(),
  /** The answer's rollup counters under this analysis (see `answerCounters`). */
  counters: countersSchema,
});

export const answerReanalyzedDataSchema = z.object({
  tenantId: z.string(),
  brandId: z.string(),
  answerId: z.string(),
  runId: z.string(),
  /** The re-analysis job that made the correction. */
  jobId: z.string(),
  /** The revision the answer's analysis moves to (the first analysis is revision 0). */
  revision: z.number().int().min(1),
  cell: reanalysisCellSchema,
  previous: contributionSchema,
  current: contributionSchema.extend({ configuredAt: z.iso.datetime() }),
  /** Tracked entities mentioned now but not before, and before but not now. */
  addedEntities: z.array(z.string()),
  removedEntities: z.array(z.string()),
  reanalyzedAt: z.iso.datetime(),
});
export type AnswerReanalyzedData = z.infer<typeof answerReanalyzedDataSchema>;

export const answerReanalyzedEventSchema = envelopeAttributesSchema.extend({
  type: z.literal('promptpulse.answer.reanalyzed'),
  data: answerReanalyzedDataSchema,
});
export type AnswerReanalyzedEvent = z.infer<typeof answerReanalyzedEventSchema>;

/** The correction event; the id is deterministic in (tenant, answer, revision): a republished correction dedupes. */
export function answerReanalyzedEvent(data: AnswerReanalyzedData): AnswerReanalyzedEvent {
  return makeEvent({
    type: 'promptpulse.answer.reanalyzed',
    tenantId: data.tenantId,
    subject: `brands/${data.brandId}/answers/${data.answerId}`,
    // The answer's day keeps the id's time part (and the lake partition) stable across retries.
    time: `${data.cell.day}T00:00:00.000Z`,
    key: `${data.answerId}|r${data.revision}`,
    data,
  });
}
