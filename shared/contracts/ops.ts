import * as z from 'zod';
import { RunErrorSchema, RunStatusSchema } from './runs.ts';

/** One dependency of the running system and whether it answered (GET /ops/status). */
export const ComponentHealthSchema = z.object({
  name: z.string(),
  /** What it stands in for in AWS (e.g. "DynamoDB" for DynamoDB Local). */
  role: z.string(),
  endpoint: z.string().nullable(),
  status: z.enum(['up', 'down', 'not_configured']),
  latencyMs: z.number().nullable(),
  detail: z.string().nullable(),
});
export type ComponentHealth = z.infer<typeof ComponentHealthSchema>;

/** Something given up on after its retries: where it waits and what it is (no tenant data beyond ids). */
export const DeadLetterSchema = z.object({
  source: z.string(),
  id: z.string(),
  reason: z.string(),
  at: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

export const RecentErrorSchema = z.object({
  time: z.string(),
  service: z.string(),
  message: z.string(),
  correlationId: z.string().nullable(),
  errorName: z.string().nullable(),
  errorMessage: z.string().nullable(),
});

/** A recent run of the caller's workspace with work items that failed for good. */
export const FailedRunSchema = z.object({
  runId: z.string(),
  brandName: z.string(),
  status: RunStatusSchema,
  createdAt: z.iso.datetime(),
  failed: z.number().int(),
  errors: z.array(RunErrorSchema),
});

export const OpsStatusSchema = z.object({
  generatedAt: z.iso.datetime(),
  components: z.array(ComponentHealthSchema),
  deadLetters: z.array(DeadLetterSchema),
  failedRuns: z.array(FailedRunSchema),
  recentErrors: z.array(RecentErrorSchema),
  /** Business metric totals since the process started (functions/observability/metric-names.ts). */
  metrics: z.record(z.string(), z.number()),
});
export type OpsStatus = z.infer<typeof OpsStatusSchema>;
