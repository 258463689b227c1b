/**
 * View models of re-analysis jobs (docs/analysis.md, "Re-analysis"): the banner a brand's pages show while its
 * history is re-scored, and the rows of the Admin list. Pure, so the unit tests cover the wording and the maths.
 */
import type { ReanalysisJob, ReanalysisStatus, ReanalysisTrigger } from '../../../../shared/contracts/reanalysis.ts';
import { reanalysisComputeUsd } from '../../../../shared/domain/reanalysis-cost.ts';

export interface ReanalysisBanner {
  done: number;
  total: number;
  /** 0–100, whole; 0 while the job has not counted its answers yet. */
  percent: number;
  message: string;
}

const count = new Intl.NumberFormat('en-US');

/** The banner for a brand's newest job: only while it runs. */
export function bannerOf(job: ReanalysisJob | null | undefined): ReanalysisBanner | null {
  if (job?.status !== 'running') return null;
  const total = Math.max(job.total, job.done);
  const percent = total > 0 ? Math.min(100, Math.floor((job.done / total) * 100)) : 0;
  const cause = TRIGGER_CAUSE[job.trigger];
  const message =
    total === 0
      ? `Re-scoring this brand’s history ${cause}…`
      : job.done >= total
        ? `Re-scoring this brand’s history ${cause}: ${count.format(job.done)} of ${count.format(total)} answers (100%); the last corrections are being applied.`
        : `Re-scoring this brand’s history ${cause}: ${count.format(job.done)} of ${count.format(total)} answers (${percent}%). The numbers update as it goes.`;
  return { done: job.done, total, percent, message };
}

const TRIGGER_CAUSE: Record<ReanalysisTrigger, string> = {
  configuration: 'with its new brand and competitor settings',
  engine: 'with the new analysis engine',
  schedule: 'with its current settings',
  manual: 'with its current settings',
};

export const TRIGGER_LABEL: Record<ReanalysisTrigger, string> = {
  configuration: 'Brand settings changed',
  engine: 'Engine updated',
  schedule: 'Scheduled sweep',
  manual: 'Started by hand',
};

export const STATUS_LABEL: Record<ReanalysisStatus, string> = {
  running: 'Running',
  succeeded: 'Done',
  superseded: 'Replaced by a newer job',
  budget_exceeded: 'Paused: daily budget spent',
  failed: 'Failed',
};

const SKIP_LABEL: Record<string, string> = {
  raw_missing: 'raw answer missing',
  raw_unreadable: 'raw answer unreadable',
  superseded_item: 'changed by a newer job',
};

/** "2 skipped: 1 raw answer missing, 1 raw answer unreadable", or null when nothing was skipped. */
export function skippedSummary(skipped: Record<string, number>): string | null {
  const parts = Object.entries(skipped)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${count.format(n)} ${SKIP_LABEL[reason] ?? reason.replaceAll('_', ' ')}`);
  if (parts.length === 0) return null;
  const total = Object.values(skipped).reduce((sum, n) => sum + Math.max(0, n), 0);
  return `${count.format(total)} skipped: ${parts.join(', ')}`;
}

/** Function time as "850 ms", "12.4 s" or "3 min 05 s". */
export function formatFunctionTime(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** The compute cost of the job's function time, to a tenth of a cent below a dollar (often "< $0.001"). */
export function formatJobCost(lambdaMs: number): string {
  const usd = reanalysisComputeUsd(lambdaMs);
  if (usd === 0) return '$0';
  if (usd < 0.001) return '< $0.001';
  return usd < 1 ? `$${usd.toFixed(3)}` : `$${usd.toFixed(2)}`;
}

export interface JobRow {
  jobId: string;
  brandId: string;
  trigger: string;
  status: string;
  running: boolean;
  progress: string;
  outcome: string;
  functionTime: string;
  cost: string;
  startedAt: string;
  finishedAt: string | null;
}

/** One row of the Admin list. */
export function jobRow(job: ReanalysisJob): JobRow {
  const skipped = skippedSummary(job.skipped);
  const outcome = [
    `${count.format(job.rescored)} re-scored`,
    job.unchanged > 0 ? `${count.format(job.unchanged)} already current` : null,
    skipped,
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    jobId: job.jobId,
    brandId: job.brandId,
    trigger: TRIGGER_LABEL[job.trigger],
    status: STATUS_LABEL[job.status],
    running: job.status === 'running',
    progress: `${count.format(job.done)} / ${count.format(Math.max(job.total, job.done))}`,
    outcome,
    functionTime: formatFunctionTime(job.lambdaMs),
    cost: formatJobCost(job.lambdaMs),
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

/**
 * Whether a pushed job should replace the cached one of its brand: a newer generation, or the same job with more
 * progress or a final status (frames can arrive out of order; an older frame never rolls the banner back).
 */
export function isNewerJob(next: ReanalysisJob, cached: ReanalysisJob | null | undefined): boolean {
  if (!cached) return true;
  if (next.generation !== cached.generation) return next.generation > cached.generation;
  if (cached.status !== 'running') return false;
  return next.status !== 'running' || next.done >= cached.done;
}

/** "Engine 2026.11 · configured 3 Dec 2026, 14:05" for a drill-down answer. */
export function analysisProvenance(analyzerVersion: string, configuredAt: string | null): string {
  const engine = `Engine ${analyzerVersion}`;
  if (!configuredAt) return `${engine} · current configuration`;
  const date = new Date(configuredAt);
  if (Number.isNaN(date.getTime())) return engine;
  const when = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(date);
  return `${engine} · configured ${when} UTC`;
}
