import type { Brand } from '../contracts/brands.ts';
import type { TrackedPrompt } from '../contracts/prompt-sets.ts';
import type { RunSettings } from '../contracts/run-settings.ts';
import type { Answer, Run, RunItem, RunSummary } from '../contracts/runs.ts';
import { TERMINAL_RUN_STATUSES } from '../contracts/runs.ts';
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import { utcDay } from '../domain/model-catalogue.ts';
import { DEFAULT_SPEND_CAPS } from '../domain/plans.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { isProviderError } from '../domain/provider-errors.ts';
import {
  assertWithinSpendCaps,
  emptyCounts,
  estimatePlanUsage,
  finalRunStatus,
  groupByProvider,
  type PlannedItem,
  planWorkItems,
  type UsageEstimate,
} from '../domain/runs.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import { isTenantId, type TenantId } from '../domain/workspace.ts';
import { answerAnalyzedEvent, runCompletedEvent } from '../events/builders.ts';
import type { AiProvider, ProviderId } from '../ports/ai-provider.ts';
import type { SentimentJudgeFactory } from '../ports/analysis.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { ModelCatalogueStore } from '../ports/model-catalogue.ts';
import type { ProviderPauseStore } from '../ports/provider-pauses.ts';
import type { PushNotifier } from '../ports/push.ts';
import type { RetentionLookup } from '../ports/retention.ts';
import type { RawAnswerStore, RunRepository, UsageLedger, WorkflowStarter } from '../ports/runs.ts';
import type { Clock, IdGenerator } from '../ports/system.ts';
import type { WorkspaceRepository } from '../ports/workspace-repository.ts';
import { askProvider } from './ask-provider.ts';
import { assertTargetsNotRetired, currentCatalogue } from './model-catalogue.ts';

/** Run record as stored: the contract plus the provider targets snapshot the plan is recomputed from. */
/** A run as stored: with its provider targets and the usage it reserved against the spend caps at start. */
type StoredRun = Run & { targets?: RunSettings['providers']; reservedUsage?: UsageEstimate };

export interface RunDeps {
  runs: RunRepository;
  brands: BrandRepository;
  workspaces: WorkspaceRepository;
  usage: UsageLedger;
  clock: Clock;
  ids: IdGenerator;
  /** The refreshed model catalogue; without it runs are checked against the baseline catalogue. */
  catalogue?: ModelCatalogueStore | undefined;
}

export interface WorkerDeps extends RunDeps {
  rawAnswers: RawAnswerStore;
  providers: { get(id: ProviderId): AiProvider };
  push?: PushNotifier | undefined;
  /** Waits before a throttled call is retried (the provider's retry-after, when short; see ask-provider.ts). */
  sleep?: (ms: number) => Promise<void>;
  /** Providers paused for a workspace by a billing/quota error (see ask-provider.ts). */
  pauses?: ProviderPauseStore | undefined;
  /** Concurrency per provider inside one run. @default 8 */
  concurrency?: Partial<Record<ProviderId, number>>;
  /** Canonical event stream (answer.analyzed, run.completed); runs work the same without it. */
  events?: EventPublisher | undefined;
  /** The workspace's retention choices; without it raw answers are kept (no retention tag). */
  retention?: RetentionLookup | undefined;
  /** The opt-in LLM sentiment judge over the providers (judge-sentiment.ts); absent where providers are not wired. */
  sentimentJudges?: SentimentJudgeFactory | undefined;
}

/** A workflow input's tenant id, checked (a malformed one reads as "no such run"). */
export function tenantIdOf(value: string): TenantId {
  if (!isTenantId(value)) throw new NotFoundError('Run not found', { code: 'run_not_found' });
  return value;
}

/** Bookkeeping fields of a stored run that are not part of the API contract. */
type InternalRunFields = { targets?: unknown; reservedUsage?: unknown; reservationReleased?: unknown };

/** A run as the API shows it: without the plan's targets snapshot or the spend-cap reservation bookkeeping. */
export function publicRun(run: Run): Run {
  const { targets: _t, reservedUsage: _r, reservationReleased: _done, ...view } = run as Run & InternalRunFields;
  return view;
}

export function summarize(run: Run): RunSummary {
  const { errors: _e, perProvider: _p, ...summary } = publicRun(run);
  return summary;
}

/**
 * Starts a run of a brand's current prompt set: checks there is something to ask, that the spend caps allow
 * it (before anything is enqueued), records the run and starts the workflow.
 */
export async function startRun(
  deps: RunDeps & { workflow: WorkflowStarter },
  actor: { tenantId: TenantId; userId: string; email: string | null },
  brandId: string,
  trigger: Run['trigger'],
): Promise<Run> {
  const brand = await deps.brands.getBrand(actor.tenantId, brandId);
  if (!brand) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
  if (brand.promptSetVersion === 0) {
    throw new ConflictError('This brand has no prompts yet', {
      code: 'nothing_to_run',
      details: { missing: 'prompts' },
    });
  }
  const [promptSet, settings, workspaceSettings] = await Promise.all([
    deps.brands.getPromptSetVersion(actor.tenantId, brandId, brand.promptSetVersion),
    deps.brands.getRunSettings(actor.tenantId, brandId),
    deps.workspaces.getSettings(actor.tenantId),
  ]);
  const targets = settings?.providers.filter((p) => p.enabled) ?? [];
  if (!promptSet || !settings || targets.length === 0) {
    throw new ConflictError('Enable at least one AI provider for this brand first', {
      code: 'nothing_to_run',
      details: { missing: 'providers' },
    });
  }
  const now = deps.clock.now();
  // A retired model fails at the provider; refuse the run before anything is reserved, naming the successor.
  assertTargetsNotRetired(await currentCatalogue(deps), targets, utcDay(now));
  const runId = `run_${deps.ids.next().toLowerCase()}`;
  const items = planWorkItems(runId, promptSet, settings);
  const caps = workspaceSettings?.spendCaps ?? DEFAULT_SPEND_CAPS;
  const estimate = estimatePlanUsage(items);
  // The readable refusal first; then the estimate is reserved atomically, so concurrent "Run now" clicks (or a
  // schedule firing at the same moment) cannot all pass a check made on the same reading. The run holds its
  // reservation until it finishes; its actual usage is recorded per answer as before.
  assertWithinSpendCaps(caps, await deps.usage.usageToDate(actor.tenantId, now), estimate);
  if (!(await deps.usage.reserve(actor.tenantId, now, estimate, caps))) {
    assertWithinSpendCaps(caps, await deps.usage.usageToDate(actor.tenantId, now), estimate);
    throw new ConflictError('Another run just took the room left under the spend caps', {
      code: 'spend_cap_exceeded',
      details: { cap: 'concurrent', needed: estimate.calls },
    });
  }

  const perProvider: Run['perProvider'] = {};
  for (const item of items) {
    const counts = perProvider[item.provider] ?? emptyCounts();
    counts.planned++;
    perProvider[item.provider] = counts;
  }
  const run: StoredRun = {
    id: runId,
    brandId,
    brandName: brand.name,
    trigger,
    status: 'queued',
    promptSetVersion: promptSet.version,
    samplesPerPrompt: settings.samplesPerPrompt,
    counts: emptyCounts(items.length),
    perProvider,
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    errors: [],
    createdBy: actor.email ?? actor.userId,
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    cancelRequested: false,
    version: 1,
    targets,
    reservedUsage: estimate,
  };
  try {
    await deps.runs.createRun(actor.tenantId, run);
  } catch (error) {
    // No run was created (e.g. one is already in progress): nothing will ever release the reservation but us.
    await deps.usage.record(actor.tenantId, now, {
      calls: -estimate.calls,
      tokens: -estimate.tokens,
      usd: -estimate.usd,
    });
    throw error;
  }
  try {
    await deps.workflow.startRun({ tenantId: actor.tenantId, runId });
  } catch (error) {
    // Never leave a queued run that nothing will execute: it would block the brand's next run forever.
    await deps.runs.finalize(actor.tenantId, run, 'failed', deps.clock.now().toISOString());
    await deps.usage.releaseReservation(actor.tenantId, run.id, now, estimate);
    throw error;
  }
  return run;
}

export async function getRunOrThrow(
  deps: Pick<RunDeps, 'runs'>,
  tenant: Pick<TenantPrincipal, 'tenantId'>,
  runId: string,
) {
  const run = await deps.runs.getRun(tenant.tenantId, runId);
  if (!run) throw new NotFoundError('Run not found', { code: 'run_not_found' });
  return run;
}

async function runStateOrThrow(deps: Pick<RunDeps, 'runs'>, tenantId: TenantId, runId: string): Promise<StoredRun> {
  const run = await deps.runs.getRunState(tenantId, runId);
  if (!run) throw new NotFoundError('Run not found', { code: 'run_not_found' });
  return run as StoredRun;
}

export async function cancelRun(deps: Pick<RunDeps, 'runs'>, tenant: TenantPrincipal, runId: string) {
  await getRunOrThrow(deps, tenant, runId);
  return deps.runs.requestCancel(tenant.tenantId, runId);
}

/** The run's work items, recomputed deterministically from its snapshot (cached per container). */
const planCache = new Map<string, PlannedItem[]>();
async function plannedItems(deps: Pick<RunDeps, 'brands'>, tenantId: TenantId, run: StoredRun): Promise<PlannedItem[]> {
  const cached = planCache.get(run.id);
  if (cached) return cached;
  const promptSet = await deps.brands.getPromptSetVersion(tenantId, run.brandId, run.promptSetVersion);
  if (!promptSet) throw new NotFoundError('Prompt set version of the run is missing', { code: 'prompt_set_missing' });
  const items = planWorkItems(run.id, promptSet, {
    brandId: run.brandId,
    providers: run.targets ?? [],
    samplesPerPrompt: run.samplesPerPrompt,
    schedule: { kind: 'manual' },
    nextRunAt: null,
    version: 0,
    updatedAt: null,
  });
  if (planCache.size > 8) planCache.clear();
  planCache.set(run.id, items);
  return items;
}

/** Workflow step "Plan": writes the work items (idempotently) and returns per-provider index groups. */
export async function planRun(deps: WorkerDeps, input: { tenantId: string; runId: string }) {
  const tenantId = tenantIdOf(input.tenantId);
  const run = await runStateOrThrow(deps, tenantId, input.runId);
  if (TERMINAL_RUN_STATUSES.includes(run.status)) return { groups: [], itemCount: 0 };
  const items = await plannedItems(deps, tenantId, run);
  // A queued run has never reached the Map, so nothing can have been asked yet: its items may be batch-written.
  await deps.runs.putItems(tenantId, run.id, items, deps.clock.now().toISOString(), run.status === 'queued');
  await deps.runs.markRunning(tenantId, run.id, deps.clock.now().toISOString());
  // Only indices travel in the workflow state: 5,000 items stay far below the 256 KB state limit.
  const indexed = items.map((item, index) => ({ ...item, itemId: String(index) }));
  return { groups: groupByProvider(indexed, deps.concurrency), itemCount: items.length };
}

const lastPush = new Map<string, number>();
/** Progress pushes are throttled per run (at most one a second from each worker); the final one always goes. */
async function pushProgress(deps: WorkerDeps, tenantId: TenantId, runId: string) {
  if (!deps.push) return;
  const now = deps.clock.now().getTime();
  if (now - (lastPush.get(runId) ?? 0) < 1000) return;
  lastPush.set(runId, now);
  if (lastPush.size > 100) lastPush.clear();
  const run = await deps.runs.getRunState(tenantId, runId);
  if (!run) return;
  await deps.push.pushToTenant(tenantId, { type: 'run.progressed', run: summarize(run) }).catch(() => undefined);
}

/** S3 key of a raw answer: tenant first, then brand/run partitions (the lake's layout). */
export function rawAnswerKey(tenantId: string, brandId: string, runId: string, itemId: string) {
  return `tenants/${tenantId}/raw-answers/brand=${brandId}/run=${runId}/${itemId}.json`;
}

/**
 * Workflow step "Ask": asks one provider one prompt, stores the raw answer and the answer record, and moves
 * the item to succeeded. Idempotent: a finished item is not asked again. Provider failures propagate as
 * typed errors so the workflow's Retry/Catch decide (throttling waits for a short retry-after first, a quota error
 * pauses the provider for the workspace, a timed-out call is counted against the spend caps: ask-provider.ts).
 */
export async function askItem(deps: WorkerDeps, input: { tenantId: string; runId: string; index: number }) {
  const tenantId = tenantIdOf(input.tenantId);
  const run = await runStateOrThrow(deps, tenantId, input.runId);
  const planned = (await plannedItems(deps, tenantId, run))[input.index];
  if (!planned) throw new NotFoundError(`No work item ${input.index} in run ${run.id}`, { code: 'item_not_found' });
  const item = await deps.runs.getItem(tenantId, run.id, planned.itemId);
  if (!item) throw new NotFoundError(`Work item ${planned.itemId} was not planned`, { code: 'item_not_found' });
  if (item.status !== 'pending') return { status: item.status, answerId: item.answerId };
  if (run.cancelRequested) {
    await deps.runs.completeItem(
      tenantId,
      run,
      item,
      { status: 'skipped', reason: 'run cancelled' },
      deps.clock.now().toISOString(),
    );
    return { status: 'skipped', answerId: null };
  }

  await deps.runs.noteAttempt(tenantId, run.id, item.itemId);
  const result = await askProvider(deps, tenantId, run.id, item, estimatePlanUsage([planned]));
  const answerId = item.itemId;
  const now = deps.clock.now();
  const retention = (await deps.retention?.of(tenantId))?.rawAnswers ?? 'keep';
  await deps.rawAnswers.put(
    rawAnswerKey(tenantId, run.brandId, run.id, item.itemId),
    { request: item, response: result },
    { retention },
  );
  const answer: Answer = {
    answerId,
    runId: run.id,
    itemId: item.itemId,
    brandId: run.brandId,
    promptId: item.promptId,
    promptText: item.promptText,
    provider: item.provider,
    model: result.model,
    modelVersion: result.modelVersion,
    surface: item.surface,
    locale: item.locale,
    sampleIndex: item.sampleIndex,
    text: result.text,
    citations: result.citations,
    retrievedSources: result.retrievedSources,
    finishReason: result.finishReason,
    truncated: result.truncated,
    latencyMs: result.latencyMs,
    usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
    costUsd: result.cost.usd,
    providerRequestId: result.providerRequestId,
    analysisStatus: 'pending',
    analysis: null,
    createdAt: now.toISOString(),
  };
  await deps.runs.putAnswer(tenantId, answer);
  const applied = await deps.runs.completeItem(
    tenantId,
    run,
    item,
    { status: 'succeeded', answerId, usage: answer.usage, costUsd: answer.costUsd },
    now.toISOString(),
  );
  if (applied) {
    await deps.usage.record(tenantId, now, {
      calls: 1,
      tokens: answer.usage.inputTokens + answer.usage.outputTokens,
      usd: answer.costUsd ?? 0,
    });
    await pushProgress(deps, tenantId, run.id);
  }
  return { status: 'succeeded', answerId };
}

/** Workflow step "RecordFailure": the item failed for good (after retries); its reason is kept. */
export async function recordFailure(
  deps: WorkerDeps,
  input: { tenantId: string; runId: string; index: number; error?: { Error?: string; Cause?: string } },
) {
  const tenantId = tenantIdOf(input.tenantId);
  const run = await runStateOrThrow(deps, tenantId, input.runId);
  const planned = (await plannedItems(deps, tenantId, run))[input.index];
  if (!planned) return { recorded: false };
  const item = await deps.runs.getItem(tenantId, run.id, planned.itemId);
  if (item?.status !== 'pending') return { recorded: false };
  const name = (input.error?.Error ?? 'Error').slice(0, 100);
  const applied = await deps.runs.completeItem(
    tenantId,
    run,
    item,
    { status: 'failed', error: { name, message: failureMessage(input.error?.Cause) } },
    deps.clock.now().toISOString(),
  );
  if (applied) await pushProgress(deps, tenantId, run.id);
  return { recorded: applied };
}

/** The human part of a Step Functions error cause (Lambda wraps it as JSON with errorMessage and a trace). */
function failureMessage(cause: string | undefined): string {
  if (!cause) return 'failed without a message';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown; message?: unknown };
    const message = parsed.errorMessage ?? parsed.message;
    if (typeof message === 'string') return message.slice(0, 500);
  } catch {
    // not JSON: use as is
  }
  return cause.slice(0, 500);
}

/**
 * Workflow step "Finalize": items never processed (cancelled or planning failed) become skipped so that
 * planned = succeeded + failed + skipped, then the run gets its terminal status.
 */
export async function finalizeRun(deps: WorkerDeps, input: { tenantId: string; runId: string }) {
  const tenantId = tenantIdOf(input.tenantId);
  const run = (await getRunOrThrow(deps, { tenantId }, input.runId)) as StoredRun;
  if (TERMINAL_RUN_STATUSES.includes(run.status)) {
    // A retry after a failed publish (or release): do both again; each happens once (event id, run marker).
    await releaseRunReservation(deps, tenantId, run);
    await deps.events?.publish([runCompletedEvent(tenantId, run)]);
    return summarize(run);
  }
  const now = () => deps.clock.now().toISOString();
  let cursor: string | undefined;
  do {
    const page = await deps.runs.listItems(tenantId, run.id, 'pending', { limit: 100, cursor });
    for (const item of page.items) {
      const reason = run.cancelRequested ? 'run cancelled' : 'not processed by the workflow';
      await deps.runs.completeItem(tenantId, run, item, { status: 'skipped', reason }, now());
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const current = await getRunOrThrow(deps, { tenantId }, run.id);
  // Items the plan never wrote (planning failed part-way) count as skipped too.
  const accounted = current.counts.succeeded + current.counts.failed + current.counts.skipped;
  const counts = {
    ...current.counts,
    skipped: current.counts.skipped + Math.max(0, current.counts.planned - accounted),
  };
  const finished = await deps.runs.finalize(tenantId, current, finalRunStatus(counts, current.cancelRequested), now());
  // The run's actual usage is recorded answer by answer; the estimate it held against the caps goes back now.
  await releaseRunReservation(deps, tenantId, run);
  await deps.events?.publish([runCompletedEvent(tenantId, finished)]);
  await deps.push?.pushToTenant(tenantId, { type: 'run.completed', run: summarize(finished) }).catch(() => undefined);
  return summarize(finished);
}

async function releaseRunReservation(deps: Pick<WorkerDeps, 'usage'>, tenantId: TenantId, run: StoredRun) {
  if (run.reservedUsage)
    await deps.usage.releaseReservation(tenantId, run.id, new Date(run.createdAt), run.reservedUsage);
}

export { isProviderError };
