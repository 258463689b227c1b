/**
 * Re-analysis jobs (docs/analysis.md, "Re-analysis"): when a brand's entities, aliases or owned domains change, or
 * the engine version does, the brand's stored answers are re-scored from their raw text and the rollups corrected
 * by `answer.reanalyzed` events. The workflow (state-machines/reanalysis.asl.json) calls the steps here: Plan →
 * chunks (one per ISO week of history) → Chunk, looped per page → Finish. A newer job of the same brand supersedes a
 * running one: its chunks stop at the next page, and compare-and-set revisions keep every answer corrected once.
 */

import { ANALYZER_VERSION, compileEntities } from '../analysis/index.ts';
import type { Brand } from '../contracts/brands.ts';
import type { ReanalysisJob, ReanalysisTrigger } from '../contracts/reanalysis.ts';
import { NotFoundError } from '../domain/errors.ts';
import { toTrackedEntities } from '../domain/tracked-entities.ts';
import type { TenantId } from '../domain/workspace.ts';
import { addDays, isoWeekOf, isoWeekStart, sumCounters } from '../events/rollups.ts';
import type { BrandRepository } from '../ports/brand-repository.ts';
import type { Page, PageRequest } from '../ports/pagination.ts';
import type { PushNotifier } from '../ports/push.ts';
import type { ReanalysisJobStore, ReanalysisStarter } from '../ports/reanalysis.ts';
import type { IdGenerator } from '../ports/system.ts';
import { type ChunkDeps, reanalyzeRecords } from './reanalysis-chunk.ts';

export interface ReanalysisLimits {
  /** Records read per ledger page (one progress step). */
  pageSize: number;
  /** Records one Chunk call handles before it hands a cursor back to the workflow (bounds a Lambda's time). */
  recordsPerCall: number;
  /** Function time a tenant's re-analysis may use per UTC day; past it the job stops as `budget_exceeded`. */
  dailyBudgetMs: number;
}

export const DEFAULT_REANALYSIS_LIMITS: ReanalysisLimits = {
  pageSize: 100,
  recordsPerCall: 1000,
  dailyBudgetMs: 15 * 60 * 1000,
};

export interface ReanalysisDeps extends ChunkDeps {
  brands: Pick<BrandRepository, 'getBrand'>;
  jobs: ReanalysisJobStore;
  ids: IdGenerator;
  starter?: ReanalysisStarter | undefined;
  push?: PushNotifier | undefined;
  /** Re-judges the brand's actions and alerts on the corrected series once a job finished. */
  afterRescore?: ((tenantId: string, brandId: string, job: ReanalysisJob) => Promise<void>) | undefined;
  limits?: Partial<ReanalysisLimits> | undefined;
}

const limitsOf = (deps: Pick<ReanalysisDeps, 'limits'>): ReanalysisLimits => ({
  ...DEFAULT_REANALYSIS_LIMITS,
  ...deps.limits,
});

/** The fingerprint of a brand's current entity configuration (what a stored analysis is compared with). */
export function brandFingerprint(brand: Brand): string {
  return compileEntities(toTrackedEntities(brand)).fingerprint;
}

/**
 * Starts a job re-scoring a brand's history with its current configuration: snapshots the configuration (the
 * drill-down shows analyses with the configuration they were made with), stores the job as the brand's newest
 * generation (superseding a running one) and starts the workflow.
 */
export async function requestReanalysis(
  deps: Pick<ReanalysisDeps, 'brands' | 'jobs' | 'ledger' | 'ids' | 'clock' | 'starter' | 'push'>,
  input: { tenantId: string; brandId: string; trigger: ReanalysisTrigger },
): Promise<ReanalysisJob> {
  const brand = await deps.brands.getBrand(input.tenantId as TenantId, input.brandId);
  if (!brand) throw new NotFoundError('Brand not found', { code: 'brand_not_found' });
  const entities = toTrackedEntities(brand);
  const compiled = compileEntities(entities);
  const configuredAt = brand.updatedAt;
  await deps.ledger.putConfig(input.tenantId, brand.id, {
    fingerprint: compiled.fingerprint,
    analyzerVersion: ANALYZER_VERSION,
    configuredAt,
    entities,
  });
  const span = await deps.ledger.span(input.tenantId, brand.id);
  const now = deps.clock.now().toISOString();
  const { job, superseded } = await deps.jobs.start(input.tenantId, {
    jobId: `rea_${deps.ids.next().toLowerCase()}`,
    brandId: brand.id,
    trigger: input.trigger,
    status: 'running',
    analyzerVersion: ANALYZER_VERSION,
    configFingerprint: compiled.fingerprint,
    configuredAt,
    total: span.count,
    done: 0,
    rescored: 0,
    unchanged: 0,
    skipped: {},
    lambdaMs: 0,
    supersededBy: null,
    startedAt: now,
    finishedAt: null,
  });
  if (superseded) {
    const old = await deps.jobs.get(input.tenantId, superseded);
    if (old) await pushJob(deps, input.tenantId, old);
  }
  await pushJob(deps, input.tenantId, job);
  if (deps.starter) await deps.starter.start({ tenantId: input.tenantId, jobId: job.jobId });
  return job;
}

async function jobOrThrow(deps: Pick<ReanalysisDeps, 'jobs'>, tenantId: string, jobId: string) {
  const job = await deps.jobs.get(tenantId, jobId);
  if (!job) throw new NotFoundError('Re-analysis job not found', { code: 'reanalysis_job_not_found' });
  return job;
}

export interface ReanalysisChunkRange {
  from: string;
  to: string;
}

/** Workflow step "Plan": one chunk per ISO week of the brand's stored history (the Distributed Map's items). */
export async function planReanalysis(
  deps: Pick<ReanalysisDeps, 'jobs' | 'ledger'>,
  input: { tenantId: string; jobId: string },
): Promise<{ chunks: ReanalysisChunkRange[] }> {
  const job = await jobOrThrow(deps, input.tenantId, input.jobId);
  const span = await deps.ledger.span(input.tenantId, job.brandId);
  await deps.jobs.setTotal(input.tenantId, job.jobId, span.count);
  if (!span.firstDay || !span.lastDay) return { chunks: [] };
  const chunks: ReanalysisChunkRange[] = [];
  for (let monday = isoWeekStart(isoWeekOf(span.firstDay)); monday <= span.lastDay; monday = addDays(monday, 7)) {
    chunks.push({ from: monday, to: addDays(monday, 6) });
  }
  return { chunks };
}

export type ChunkStop = 'superseded' | 'budget_exceeded' | null;

/**
 * Workflow step "Chunk": re-scores a week of records page by page, up to `recordsPerCall`, then returns the cursor
 * to continue from (null when the week is done). Before each page it checks that the job is still the brand's
 * newest (else `superseded`) and that the tenant's daily budget is not spent (else `budget_exceeded`). Each page's
 * counts are recorded once per (job, week, cursor), so a retried call never counts a page twice.
 */
export async function runReanalysisChunk(
  deps: ReanalysisDeps,
  input: { tenantId: string; jobId: string; from: string; to: string; cursor?: string | null },
): Promise<{ cursor: string | null; stop: ChunkStop }> {
  const limits = limitsOf(deps);
  const job = await jobOrThrow(deps, input.tenantId, input.jobId);
  if (job.status !== 'running') return { cursor: null, stop: job.status === 'superseded' ? 'superseded' : null };
  const brand = await deps.brands.getBrand(input.tenantId as TenantId, job.brandId);
  const snapshot = await deps.ledger.getConfig(input.tenantId, job.brandId, job.configFingerprint);
  if (!brand || !snapshot) return { cursor: null, stop: 'superseded' };
  const compiled = compileEntities(snapshot.entities);
  let cursor = input.cursor ?? undefined;
  let handled = 0;
  while (handled < limits.recordsPerCall) {
    if ((await deps.jobs.latest(input.tenantId, job.brandId)) !== job.jobId)
      return { cursor: null, stop: 'superseded' };
    const today = deps.clock.now().toISOString().slice(0, 10);
    if ((await deps.jobs.usageMs(input.tenantId, today)) >= limits.dailyBudgetMs)
      return { cursor: null, stop: 'budget_exceeded' };
    const started = deps.clock.now().getTime();
    const page = await deps.ledger.list(input.tenantId, job.brandId, input.from, input.to, {
      limit: limits.pageSize,
      cursor,
    });
    const outcome = await reanalyzeRecords(deps, input.tenantId, job, compiled, page.items);
    const lambdaMs = Math.max(0, deps.clock.now().getTime() - started);
    const chunkKey = `${input.from}|${cursor ?? ''}`;
    const { published: _published, ...delta } = outcome;
    if (await deps.jobs.recordChunk(input.tenantId, job.jobId, chunkKey, today, { ...delta, lambdaMs })) {
      const now = await deps.jobs.get(input.tenantId, job.jobId);
      if (now) await pushJob(deps, input.tenantId, now);
    }
    handled += page.items.length;
    if (!page.nextCursor) return { cursor: null, stop: null };
    cursor = page.nextCursor;
  }
  return { cursor: cursor ?? null, stop: null };
}

/**
 * Workflow step "Finish": the job's terminal status (superseded when a newer job exists, budget_exceeded when the
 * tenant's budget stopped it before every record was seen, failed when the workflow caught an error), then the
 * brand's actions and alerts re-judged on the corrected series, and the final progress pushed. Idempotent.
 */
export async function finishReanalysis(
  deps: Pick<ReanalysisDeps, 'jobs' | 'ledger' | 'clock' | 'push' | 'afterRescore' | 'limits'>,
  input: { tenantId: string; jobId: string; failed?: boolean },
): Promise<ReanalysisJob> {
  const job = await jobOrThrow(deps, input.tenantId, input.jobId);
  const latest = await deps.jobs.latest(input.tenantId, job.brandId);
  const today = deps.clock.now().toISOString().slice(0, 10);
  const overBudget = (await deps.jobs.usageMs(input.tenantId, today)) >= limitsOf(deps).dailyBudgetMs;
  const status =
    latest !== job.jobId
      ? 'superseded'
      : input.failed
        ? 'failed'
        : overBudget && job.done < job.total
          ? 'budget_exceeded'
          : 'succeeded';
  const finished = (await deps.jobs.finish(input.tenantId, job.jobId, status, deps.clock.now().toISOString())) ?? job;
  if (finished.status === 'succeeded') {
    await deps.ledger.markBrand({
      tenantId: input.tenantId,
      brandId: job.brandId,
      analyzerVersion: job.analyzerVersion,
      configFingerprint: job.configFingerprint,
    });
  }
  // Superseded jobs leave the re-judging to the job that replaced them (it sees the final series).
  if (finished.status !== 'superseded' && deps.afterRescore)
    await deps.afterRescore(input.tenantId, job.brandId, finished);
  await pushJob(deps, input.tenantId, finished);
  return finished;
}

/**
 * The scheduled sweep: every brand with analyses whose engine version or configuration is not the current one
 * gets a job, unless one for exactly that configuration is already running.
 */
export async function sweepStaleBrands(
  deps: Pick<ReanalysisDeps, 'brands' | 'jobs' | 'ledger' | 'ids' | 'clock' | 'starter' | 'push'>,
  options: { maxBrands?: number } = {},
): Promise<{ started: string[]; checked: number }> {
  const started: string[] = [];
  let checked = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.ledger.listBrands({ limit: 100, cursor });
    for (const b of page.items) {
      if (options.maxBrands !== undefined && checked >= options.maxBrands) return { started, checked };
      checked++;
      const brand = await deps.brands.getBrand(b.tenantId as TenantId, b.brandId);
      if (!brand) continue;
      const fingerprint = brandFingerprint(brand);
      if (b.analyzerVersion === ANALYZER_VERSION && b.configFingerprint === fingerprint) continue;
      const latestId = await deps.jobs.latest(b.tenantId, b.brandId);
      const latest = latestId ? await deps.jobs.get(b.tenantId, latestId) : null;
      if (
        latest?.status === 'running' &&
        latest.configFingerprint === fingerprint &&
        latest.analyzerVersion === ANALYZER_VERSION
      )
        continue;
      const trigger = b.analyzerVersion !== ANALYZER_VERSION ? 'engine' : 'schedule';
      const job = await requestReanalysis(deps, { tenantId: b.tenantId, brandId: b.brandId, trigger });
      started.push(job.jobId);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { started, checked };
}

export async function listReanalysisJobs(
  deps: Pick<ReanalysisDeps, 'jobs'>,
  tenantId: string,
  brandId: string | null,
  page: PageRequest,
): Promise<Page<ReanalysisJob>> {
  return deps.jobs.list(tenantId, brandId, page);
}

async function pushJob(deps: Pick<ReanalysisDeps, 'push'>, tenantId: string, job: ReanalysisJob) {
  if (!deps.push) return;
  try {
    await deps.push.pushToTenant(tenantId as TenantId, { type: 'reanalysis.progressed', job });
  } catch {
    // Progress is best effort: the Admin view reads the job itself.
  }
}

/** The rollup counters a brand's records add up to now (what a from-scratch recomputation must equal). */
export async function ledgerCounters(
  deps: Pick<ReanalysisDeps, 'ledger'>,
  tenantId: string,
  brandId: string,
  from: string,
  to: string,
) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await deps.ledger.list(tenantId, brandId, from, to, { limit: 500, cursor });
    all.push(...page.items.map((r) => r.counters));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return sumCounters(all);
}
