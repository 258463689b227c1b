import * as z from 'zod';
import { idSchema, textSchema } from './common.ts';

/** The kinds of action the engine raises (definitions in docs/actions.md). */
export const ACTION_TYPES = [
  'content_gap',
  'competitor_gap',
  'negative_sentiment',
  'source_opportunity',
  'owned_content_citation',
  'data_quality',
] as const;
export const ActionTypeSchema = z.enum(ACTION_TYPES);
export type ActionType = z.infer<typeof ActionTypeSchema>;

export const ACTION_STATUSES = ['open', 'in_progress', 'done', 'dismissed'] as const;
export const ActionStatusSchema = z.enum(ACTION_STATUSES);
export type ActionStatus = z.infer<typeof ActionStatusSchema>;

export const actionIdSchema = idSchema('act');

const interval = z.tuple([z.number(), z.number()]);

/** A number shown as evidence: value with its sample size and 95% interval. */
export const EvidenceFigureSchema = z.object({
  label: z.string(),
  value: z.number().nullable(),
  /** How many `unit`s the value counts (answers, mentions, prompts, days or posts). */
  n: z.number(),
  /** What `n` counts; absent on figures stored before it was recorded (answers). */
  unit: z.enum(['answers', 'mentions', 'prompts', 'days', 'posts']).optional(),
  /** Days the `n` units fall into: the clusters the interval treats as independent (absent = not clustered). */
  days: z.number().int().optional(),
  ci: interval.nullable(),
});
export type EvidenceFigure = z.infer<typeof EvidenceFigureSchema>;

/** A span of an answer's text naming a tracked entity (`start` inclusive, `end` exclusive, UTF-16 offsets). */
export const HighlightSchema = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  entityId: z.string(),
  kind: z.enum(['brand', 'competitor']),
});
export type Highlight = z.infer<typeof HighlightSchema>;

export const EvidenceSchema = z.object({
  figures: z.array(EvidenceFigureSchema),
  prompts: z.array(z.object({ promptId: z.string(), text: z.string() })),
  answers: z.array(
    z.object({
      answerId: z.string(),
      promptId: z.string(),
      provider: z.string(),
      /** A short passage of the answer around the first highlight. */
      excerpt: z.string(),
      /** Offset of `excerpt` in the full answer text; highlights are offsets in the full text. */
      excerptStart: z.number().int(),
      highlights: z.array(HighlightSchema),
    }),
  ),
  posts: z.array(z.object({ url: z.string(), title: z.string(), sentiment: z.number().nullable() })),
  domains: z.array(
    z.object({ domain: z.string(), class: z.enum(['owned', 'competitor', 'third-party']), answers: z.number() }),
  ),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** The metric an action is meant to move, and the scope it is measured in (rollup filter). */
export const TargetMetricSchema = z.object({
  metric: z.enum(['mentionRate', 'sentiment', 'citationConsistency', 'trackedMentionRate']),
  entityId: z.string(),
  /** `up` when a rise is the goal (every target today; sentiment: toward positive). */
  goal: z.enum(['up', 'down']),
  filter: z.object({
    provider: z.string().optional(),
    topic: z.string().optional(),
    branded: z.boolean().optional(),
  }),
  label: z.string(),
});
export type TargetMetric = z.infer<typeof TargetMetricSchema>;

export const ConfidenceSchema = z.object({
  level: z.enum(['high', 'medium', 'low']),
  /** In [0, 1]: sample-size weight × interval tightness (docs/actions.md). */
  score: z.number(),
  n: z.number(),
});
export type Confidence = z.infer<typeof ConfidenceSchema>;

export const OutcomeSchema = z.object({
  status: z.enum(['pending', 'effective', 'not_effective', 'inconclusive']),
  /** Day after which the after-window has elapsed and the outcome is decided. */
  evaluateAfter: z.iso.datetime(),
  before: z.object({ from: z.string(), to: z.string() }),
  after: z.object({ from: z.string(), to: z.string() }),
  beforeValue: EvidenceFigureSchema.nullable(),
  afterValue: EvidenceFigureSchema.nullable(),
  delta: z.number().nullable(),
  deltaCi: interval.nullable(),
  evaluatedAt: z.iso.datetime().nullable(),
  explanation: z.string(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

export const PersonSchema = z.object({ userId: z.string(), email: z.string().nullable() });

export const CommentSchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  author: PersonSchema,
  text: z.string(),
});
export type ActionComment = z.infer<typeof CommentSchema>;

export const SyncStatusSchema = z.object({
  integrationId: z.string(),
  integrationName: z.string(),
  status: z.enum(['pending', 'delivered', 'retrying', 'dead_lettered']),
  attempts: z.number().int(),
  lastEventType: z.string(),
  at: z.iso.datetime(),
  error: z.string().nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const ActionSchema = z.object({
  id: actionIdSchema,
  brandId: z.string(),
  type: ActionTypeSchema,
  /** Stable identity of "the same recommendation": a re-run updates the open action with this key. */
  dedupeKey: z.string(),
  title: z.string(),
  rationale: z.string(),
  evidence: EvidenceSchema,
  /** When the newest evidence was observed (ISO); decides whether a closed action's evidence is new. */
  evidenceAsOf: z.iso.datetime(),
  evidenceFingerprint: z.string(),
  target: TargetMetricSchema,
  expectedImpact: z.object({ summary: z.string(), score: z.number() }),
  confidence: ConfidenceSchema,
  urgency: z.enum(['high', 'medium', 'low']),
  /** 0-100, higher first (formula in docs/actions.md). */
  priority: z.number(),
  status: ActionStatusSchema,
  owner: PersonSchema.nullable(),
  dueDate: z.string().nullable(),
  dismissReason: z.string().nullable(),
  comments: z.array(CommentSchema),
  outcome: OutcomeSchema.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().nullable(),
  /** Engine runs that refreshed this action's evidence. */
  refreshCount: z.number().int(),
  /**
   * Set when the brand's history was re-scored (re-analysis) and the engine, on the corrected series, no longer finds
   * this action's evidence: when and why. Cleared when a later evaluation finds it again. Absent on older actions.
   */
  evidenceLapsed: z.object({ at: z.iso.datetime(), reason: z.string() }).nullable().optional(),
  version: z.number().int().positive(),
});
export type Action = z.infer<typeof ActionSchema>;

/** An action with its per-integration sync status (detail view). */
export const ActionDetailSchema = ActionSchema.extend({ sync: z.array(SyncStatusSchema) });
export type ActionDetail = z.infer<typeof ActionDetailSchema>;

export const ACTION_SORTS = ['priority', 'newest', 'due'] as const;

/** `GET /actions` query. */
export const ActionListQuerySchema = z.strictObject({
  brandId: idSchema('brd').optional(),
  type: ActionTypeSchema.optional(),
  status: ActionStatusSchema.optional(),
  /** A member's user id, or `none` for unassigned. */
  owner: z
    .string()
    .regex(/^[\w-]{1,128}$/, 'expected a user id or "none"')
    .optional(),
  /** @default 'priority' */
  sort: z.enum(ACTION_SORTS).default('priority'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(512).optional(),
});
export type ActionListQuery = z.infer<typeof ActionListQuerySchema>;

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-12-01');

/**
 * `PATCH /actions/{id}`: any of status, owner, due date. Moving to `dismissed` requires a reason; `done` and
 * `dismissed` are final (reopen by letting the engine raise it again after the cooldown).
 */
export const ActionPatchSchema = z
  .strictObject({
    status: ActionStatusSchema.optional(),
    dismissReason: textSchema(3, 500, 'Dismiss reason').optional(),
    /** A member's user id, or null to unassign. */
    ownerUserId: z
      .string()
      .regex(/^[\w-]{1,128}$/, 'expected a user id')
      .nullable()
      .optional(),
    dueDate: dateOnly.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' })
  .refine((p) => p.status !== 'dismissed' || p.dismissReason !== undefined, {
    message: 'a dismissed action needs a reason',
    path: ['dismissReason'],
  })
  .refine((p) => p.dismissReason === undefined || p.status === 'dismissed', {
    message: 'a reason is only given when dismissing',
    path: ['dismissReason'],
  });
export type ActionPatch = z.infer<typeof ActionPatchSchema>;

export const ActionCommentInputSchema = z.strictObject({ text: textSchema(1, 2000, 'Comment', { multiline: true }) });

/** One day of an action's target metric (for the chart). */
export const ActionSeriesSchema = z.object({
  actionId: z.string(),
  label: z.string(),
  points: z.array(z.object({ day: z.string(), value: z.number().nullable(), n: z.number(), ci: interval.nullable() })),
  /** The baseline the action's claim compares against (a social swing's baseline), drawn as a line. */
  baseline: z.object({ value: z.number(), label: z.string() }).nullable().optional(),
  /** What the series is measured on: AI answers (rollups) or social and news posts (signal rollups). */
  basis: z.enum(['answers', 'social']).optional(),
});
export type ActionSeries = z.infer<typeof ActionSeriesSchema>;

/** `POST /brands/{brandId}/actions/generate` result. */
export const GenerateActionsResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  suppressed: z.array(z.object({ dedupeKey: z.string(), reason: z.enum(['cooldown', 'evidence_not_new', 'cap']) })),
  /** Candidate checks that were skipped for too little data, with why. */
  insufficientData: z.array(z.string()),
});
export type GenerateActionsResult = z.infer<typeof GenerateActionsResultSchema>;

/** Detail of `promptpulse.action.created` / `promptpulse.action.updated` on the EventBridge bus. */
export const ActionEventDetailSchema = z.object({
  tenantId: z.string(),
  action: z.object({
    id: z.string(),
    brandId: z.string(),
    type: ActionTypeSchema,
    title: z.string(),
    rationale: z.string(),
    status: ActionStatusSchema,
    priority: z.number(),
    urgency: z.enum(['high', 'medium', 'low']),
    owner: PersonSchema.nullable(),
    dueDate: z.string().nullable(),
    url: z.string(),
    updatedAt: z.string(),
    version: z.number().int(),
  }),
  change: z.string(),
  /** The CRM task fields rendered for API destinations (shared/actions/crm-task.ts); input transformers place them. */
  crm: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type ActionEventDetail = z.infer<typeof ActionEventDetailSchema>;
export const ACTION_EVENT_TYPES = ['promptpulse.action.created', 'promptpulse.action.updated'] as const;
export type ActionEventType = (typeof ACTION_EVENT_TYPES)[number];

/** WebSocket push: the engine created or refreshed actions of a brand (the hub refetches its list). */
export const ActionsPushSchemas = [
  z.object({
    type: z.literal('actions.changed'),
    brandId: z.string(),
    created: z.number().int().min(0),
    updated: z.number().int().min(0),
  }),
] as const;
