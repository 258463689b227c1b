import * as z from 'zod';
import { ActionsPushSchemas } from './actions.ts';
import { ReanalysisPushSchemas } from './reanalysis.ts';
import { ProviderIdSchema, SurfaceSchema } from './run-settings.ts';
import { SignalsPushSchemas } from './signals.ts';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'partial', 'failed', 'cancelled'];

const countsSchema = z.object({
  planned: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
});
export type RunCounts = z.infer<typeof countsSchema>;

export const RunErrorSchema = z.object({
  itemId: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  promptId: z.string(),
  /** The typed error's name (e.g. ProviderThrottledError) and its safe message. */
  error: z.string(),
  message: z.string(),
  at: z.iso.datetime(),
});
export type RunError = z.infer<typeof RunErrorSchema>;

/** One fan-out run of a brand's prompt set over its enabled providers. */
export const RunSchema = z.object({
  id: z.string(),
  brandId: z.string(),
  brandName: z.string(),
  trigger: z.enum(['manual', 'schedule']),
  status: RunStatusSchema,
  promptSetVersion: z.number().int(),
  samplesPerPrompt: z.number().int(),
  counts: countsSchema,
  perProvider: z.record(z.string(), countsSchema),
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int(), costUsd: z.number() }),
  /** The most recent failures (up to 50); every failure is also on its work item. */
  errors: z.array(RunErrorSchema),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  cancelRequested: z.boolean(),
  version: z.number().int(),
});
export type Run = z.infer<typeof RunSchema>;

export const RunSummarySchema = RunSchema.omit({ errors: true, perProvider: true });
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** One prompt × provider/model/surface × sample of a run. Its id makes retries idempotent. */
export const RunItemSchema = z.object({
  itemId: z.string(),
  runId: z.string(),
  promptId: z.string(),
  promptText: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  surface: SurfaceSchema,
  locale: z.string(),
  sampleIndex: z.number().int(),
  status: z.enum(['pending', 'succeeded', 'failed', 'skipped']),
  attempts: z.number().int(),
  answerId: z.string().nullable(),
  error: z.object({ name: z.string(), message: z.string() }).nullable(),
  updatedAt: z.iso.datetime(),
});
export type RunItem = z.infer<typeof RunItemSchema>;

/** A stored answer as the raw answer viewer shows it (the full provider response stays in S3). */
export const AnswerSchema = z.object({
  answerId: z.string(),
  runId: z.string(),
  itemId: z.string(),
  brandId: z.string(),
  promptId: z.string(),
  promptText: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  modelVersion: z.string().nullable(),
  surface: SurfaceSchema,
  locale: z.string(),
  sampleIndex: z.number().int(),
  text: z.string(),
  citations: z.array(z.object({ url: z.string(), title: z.string().optional() })),
  /** Sources the provider searched or read but did not cite (absent on answers stored before they were kept). */
  retrievedSources: z.array(z.object({ url: z.string(), title: z.string().optional() })).optional(),
  /** The provider's finish/stop reason, lower case (`stop`, `end_turn`, `length`, `max_tokens`...). */
  finishReason: z.string().nullable().optional(),
  /** The output cap cut the answer off: brands late in a list may be missing. */
  truncated: z.boolean().optional(),
  latencyMs: z.number(),
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
  costUsd: z.number().nullable(),
  providerRequestId: z.string().nullable(),
  analysisStatus: z.enum(['pending', 'analyzed', 'failed']),
  /** Brand-level analysis summary once analysed: mentioned, rank, sentiment (see docs/analysis.md). */
  analysis: z
    .object({
      brandMentioned: z.boolean(),
      brandRank: z.number().int().nullable(),
      brandSentiment: z.number().nullable(),
      mentionedEntityIds: z.array(z.string()),
      citedDomains: z.array(z.string()),
      /** Present when the brand opted in to the LLM sentiment judge: what it did for this answer and its cost. */
      sentimentJudge: z
        .object({
          status: z.enum(['applied', 'invalid-output', 'judge-error', 'skipped']),
          model: z.string().nullable(),
          detail: z.string().nullable(),
          askedEntityIds: z.array(z.string()),
          costUsd: z.number().nullable(),
        })
        .optional(),
    })
    .nullable(),
  createdAt: z.iso.datetime(),
});
export type Answer = z.infer<typeof AnswerSchema>;

/** Messages pushed to browsers over the WebSocket (each ≤ 32 KB). */
export const PushMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run.progressed'), run: RunSummarySchema }),
  z.object({ type: z.literal('run.completed'), run: RunSummarySchema }),
  z.object({ type: z.literal('pong'), at: z.iso.datetime() }),
  // Action Hub: actions of a brand were created or refreshed (shared/contracts/actions.ts).
  ...ActionsPushSchemas,
  // Signals: new signals of a consumer batch, and swing alerts (shared/contracts/signals.ts).
  ...SignalsPushSchemas,
  // Re-analysis: progress of a brand's re-scoring (shared/contracts/reanalysis.ts).
  ...ReanalysisPushSchemas,
]);
export type PushMessage = z.infer<typeof PushMessageSchema>;

/** `POST /brands/{brandId}/runs` response. */
export const StartRunResponseSchema = z.object({ runId: z.string(), status: RunStatusSchema });
