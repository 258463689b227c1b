import * as z from 'zod';

/**
 * Re-analysis jobs: a brand's stored answers re-scored with the current engine and entity configuration
 * (docs/analysis.md, "Re-analysis"). One job per trigger; a newer job of the same brand supersedes a running one.
 */

/** Why an item was skipped rather than re-scored (counted per job, never stops it). */
export const REANALYSIS_SKIP_REASONS = ['raw_missing', 'raw_unreadable', 'superseded_item'] as const;
export type ReanalysisSkipReason = (typeof REANALYSIS_SKIP_REASONS)[number];

export const ReanalysisTriggerSchema = z.enum(['configuration', 'engine', 'schedule', 'manual']);
export type ReanalysisTrigger = z.infer<typeof ReanalysisTriggerSchema>;

export const ReanalysisStatusSchema = z.enum(['running', 'succeeded', 'superseded', 'budget_exceeded', 'failed']);
export type ReanalysisStatus = z.infer<typeof ReanalysisStatusSchema>;

export const ReanalysisJobSchema = z.object({
  jobId: z.string(),
  brandId: z.string(),
  /** The brand's job generation: a job whose generation is no longer the brand's latest stops (superseded). */
  generation: z.number().int().min(1),
  trigger: ReanalysisTriggerSchema,
  status: ReanalysisStatusSchema,
  analyzerVersion: z.string(),
  configFingerprint: z.string(),
  /** When the configuration the job applies was saved (the brand's updatedAt). */
  configuredAt: z.iso.datetime(),
  /** Stored answers of the brand when the job was planned. */
  total: z.number().int().min(0),
  /** Answers looked at (re-scored, already current, or skipped). */
  done: z.number().int().min(0),
  /** Answers whose analysis was replaced (a correction event was published). */
  rescored: z.number().int().min(0),
  /** Answers already analysed with this engine version and configuration. */
  unchanged: z.number().int().min(0),
  skipped: z.record(z.string(), z.number().int().min(0)),
  /** Function time the job's chunks took (its cost). */
  lambdaMs: z.number().int().min(0),
  supersededBy: z.string().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type ReanalysisJob = z.infer<typeof ReanalysisJobSchema>;

export const ReanalysisJobListSchema = z.object({
  items: z.array(ReanalysisJobSchema),
  nextCursor: z.string().nullable(),
});

/** Progress of a brand's re-analysis over the WebSocket (the web app's re-scoring banner). */
export const ReanalysisPushSchemas = [
  z.object({ type: z.literal('reanalysis.progressed'), job: ReanalysisJobSchema }),
] as const;
