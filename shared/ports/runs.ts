import type { Answer, Run, RunItem } from '../contracts/runs.ts';
import type { SpendCaps } from '../contracts/workspace-settings.ts';
import type { RetentionChoice } from '../domain/retention.ts';
import type { PlannedItem, UsageEstimate, UsageToDate } from '../domain/runs.ts';
import type { TenantId } from '../domain/workspace.ts';
import type { Page, PageRequest } from './pagination.ts';

export type ItemOutcome =
  | {
      status: 'succeeded';
      answerId: string;
      usage: { inputTokens: number; outputTokens: number };
      costUsd: number | null;
    }
  | { status: 'failed'; error: { name: string; message: string } }
  | { status: 'skipped'; reason: string };

/** Runs, their work items and answers. Counters move only when an item leaves `pending`, exactly once. */
export interface RunRepository {
  /**
   * Stores a new run and claims the brand's single active-run slot.
   * @throws ConflictError `run_in_progress` when the brand already has an active run.
   */
  createRun(tenantId: TenantId, run: Run): Promise<void>;
  getRun(tenantId: TenantId, runId: string): Promise<Run | null>;
  /** The run record alone (no failure list): what the workflow steps need, one read. */
  getRunState(tenantId: TenantId, runId: string): Promise<Run | null>;
  listRuns(tenantId: TenantId, brandId: string | null, page: PageRequest): Promise<Page<Run>>;
  /**
   * Writes the run's work items. `fresh` (no item of the run can have been worked on yet) allows fast batch
   * writes; otherwise only missing items are written, so a re-plan after a restart leaves finished items alone.
   */
  putItems(
    tenantId: TenantId,
    runId: string,
    items: readonly PlannedItem[],
    now: string,
    fresh: boolean,
  ): Promise<void>;
  getItem(tenantId: TenantId, runId: string, itemId: string): Promise<RunItem | null>;
  listItems(
    tenantId: TenantId,
    runId: string,
    status: RunItem['status'] | null,
    page: PageRequest,
  ): Promise<Page<RunItem>>;
  /** Counts an attempt (for the record; retries are the workflow's). */
  noteAttempt(tenantId: TenantId, runId: string, itemId: string): Promise<void>;
  /**
   * Moves a pending item to its outcome and the run's counters with it, atomically. Returns false (and changes
   * nothing) when the item had already left `pending`: a duplicate delivery never double counts.
   */
  completeItem(
    tenantId: TenantId,
    run: Pick<Run, 'id'>,
    item: RunItem,
    outcome: ItemOutcome,
    now: string,
  ): Promise<boolean>;
  markRunning(tenantId: TenantId, runId: string, now: string): Promise<void>;
  requestCancel(tenantId: TenantId, runId: string): Promise<Run>;
  /** Sets the terminal status and releases the brand's active-run slot. Idempotent. */
  finalize(tenantId: TenantId, run: Run, status: Run['status'], now: string): Promise<Run>;
  /** Runs not yet finished, across tenants (operations: resume after a restart). */
  listActiveRuns(): Promise<{ tenantId: TenantId; runId: string }[]>;

  putAnswer(tenantId: TenantId, answer: Answer): Promise<void>;
  getAnswer(tenantId: TenantId, answerId: string): Promise<Answer | null>;
  setAnswerAnalysis(
    tenantId: TenantId,
    answerId: string,
    analysis: Answer['analysis'],
    status: Answer['analysisStatus'],
  ): Promise<void>;
}

/** What a workspace has consumed, for spend caps. */
export interface UsageLedger {
  usageToDate(tenantId: TenantId, now: Date): Promise<UsageToDate>;
  record(tenantId: TenantId, now: Date, usage: UsageEstimate): Promise<void>;
  /**
   * Atomically adds a run's estimate to the day and month usage if every cap still holds afterwards; false (and
   * nothing added) when it would not. Concurrent starts cannot both pass a check made on the same reading.
   */
  reserve(tenantId: TenantId, now: Date, estimate: UsageEstimate, caps: SpendCaps): Promise<boolean>;
  /** Gives a run's reservation back, once per run however often it is called (finalize may be retried). */
  releaseReservation(tenantId: TenantId, runId: string, reservedAt: Date, estimate: UsageEstimate): Promise<void>;
}

/** Raw provider payloads (S3): kept whole for audit and re-analysis; only references travel in workflow state. */
export interface RawAnswerStore {
  /** `retention`: the workspace's choice for raw answers, stored with the object (an S3 tag its lifecycle rules match). */
  put(key: string, body: unknown, options?: { retention?: RetentionChoice }): Promise<void>;
  get(key: string): Promise<unknown | null>;
}

/** Starts the fan-out workflow (Step Functions in AWS, the local runner locally). Idempotent per run id. */
export interface WorkflowStarter {
  startRun(input: { tenantId: string; runId: string }): Promise<void>;
}
