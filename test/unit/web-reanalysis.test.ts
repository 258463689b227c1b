import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReanalysisJob } from '../../shared/contracts/reanalysis.ts';
import { PushMessageSchema } from '../../shared/contracts/runs.ts';
import { reanalysisComputeUsd } from '../../shared/domain/reanalysis-cost.ts';
import { applyReanalysisPush, reanalysisKeys } from '../../web/src/features/reanalysis/reanalysis-api.ts';
import {
  analysisProvenance,
  bannerOf,
  formatFunctionTime,
  formatJobCost,
  isNewerJob,
  jobRow,
  skippedSummary,
} from '../../web/src/features/reanalysis/reanalysis-model.ts';

const job = (over: Partial<ReanalysisJob> = {}): ReanalysisJob => ({
  jobId: 'rea_1',
  brandId: 'brd_01aaaaaaaaaaaaaaaaaaaaaaaa',
  generation: 1,
  trigger: 'configuration',
  status: 'running',
  analyzerVersion: '2026.12.0',
  configFingerprint: 'fp',
  configuredAt: '2026-12-01T10:00:00.000Z',
  total: 600,
  done: 150,
  rescored: 140,
  unchanged: 8,
  skipped: { raw_missing: 1, raw_unreadable: 1 },
  lambdaMs: 12_400,
  supersededBy: null,
  startedAt: '2026-12-07T10:00:00.000Z',
  finishedAt: null,
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('re-analysis view models', () => {
  it('shows the banner only while the brand’s newest job runs, with answers done of the total', () => {
    expect(bannerOf(job())).toMatchObject({ done: 150, total: 600, percent: 25 });
    expect(bannerOf(job())?.message).toContain('150 of 600 answers (25%)');
    expect(bannerOf(job({ total: 0, done: 0 }))?.percent).toBe(0);
    // Every answer seen, the job not finished yet (the last corrections reach the rollups first).
    expect(bannerOf(job({ done: 600 }))?.message).toContain('600 of 600 answers (100%); the last corrections');
    expect(bannerOf(job({ status: 'succeeded', done: 600 }))).toBeNull();
    expect(bannerOf(job({ status: 'superseded' }))).toBeNull();
    expect(bannerOf(null)).toBeNull();
    // More answers than planned (the history grew while it ran) never shows more than 100%.
    expect(bannerOf(job({ total: 10, done: 12 }))).toMatchObject({ total: 12, percent: 100 });
  });

  it('names skip reasons, function time and its cost', () => {
    expect(skippedSummary({ raw_unreadable: 2, raw_missing: 1 })).toBe(
      '3 skipped: 1 raw answer missing, 2 raw answer unreadable',
    );
    expect(skippedSummary({})).toBeNull();
    expect(formatFunctionTime(850)).toBe('850 ms');
    expect(formatFunctionTime(12_400)).toBe('12.4 s');
    expect(formatFunctionTime(185_000)).toBe('3 min 05 s');
    // 1 GB for 1 hour at the Arm list price.
    expect(reanalysisComputeUsd(3_600_000)).toBeCloseTo(0.048, 4);
    expect(formatJobCost(3_600_000)).toBe('$0.048');
    expect(formatJobCost(12_400)).toBe('< $0.001');
    expect(formatJobCost(0)).toBe('$0');
    expect(jobRow(job())).toMatchObject({
      status: 'Running',
      trigger: 'Brand settings changed',
      progress: '150 / 600',
      outcome: '140 re-scored · 8 already current · 2 skipped: 1 raw answer missing, 1 raw answer unreadable',
    });
  });

  it('orders pushed frames: a newer generation or more progress wins, a final status is kept', () => {
    expect(isNewerJob(job({ done: 200 }), job())).toBe(true);
    expect(isNewerJob(job({ done: 100 }), job())).toBe(false);
    expect(isNewerJob(job({ status: 'succeeded', done: 600 }), job())).toBe(true);
    expect(isNewerJob(job({ done: 600 }), job({ status: 'succeeded', done: 600 }))).toBe(false);
    expect(isNewerJob(job({ jobId: 'rea_2', generation: 2, done: 0 }), job({ done: 500 }))).toBe(true);
    expect(isNewerJob(job({ done: 599 }), job({ jobId: 'rea_2', generation: 2, done: 0 }))).toBe(false);
  });

  it('tells which engine and configuration a drill-down answer was analysed with', () => {
    expect(analysisProvenance('2026.12.0', '2026-12-01T10:05:00.000Z')).toBe(
      'Engine 2026.12.0 · configured 1 Dec 2026, 10:05 UTC',
    );
    expect(analysisProvenance('2026.12.0', null)).toBe('Engine 2026.12.0 · current configuration');
  });
});

describe('pushed re-analysis progress', () => {
  it('moves the banner and the Admin list on, never back, and refetches the brand’s numbers', () => {
    vi.useFakeTimers();
    const client = new QueryClient();
    const brandId = job().brandId;
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    client.setQueryData(reanalysisKeys.brand(brandId), { job: job({ done: 300 }) });
    client.setQueryData(reanalysisKeys.jobs(null), {
      pages: [{ items: [job({ done: 300 })], nextCursor: null }],
      pageParams: [null],
    });
    const frame = (j: ReanalysisJob) => PushMessageSchema.parse({ type: 'reanalysis.progressed', job: j });

    const metricsRefetches = () =>
      invalidate.mock.calls.filter(
        ([filters]) => JSON.stringify(filters?.queryKey) === JSON.stringify(['metrics', brandId]),
      ).length;
    // An older frame changes nothing; progress refetches the numbers at most every 10 s.
    applyReanalysisPush(client, frame(job({ done: 200 })), 0);
    expect(client.getQueryData<{ job: ReanalysisJob }>(reanalysisKeys.brand(brandId))?.job.done).toBe(300);
    expect(metricsRefetches()).toBe(0);
    applyReanalysisPush(client, frame(job({ done: 400 })), 100_000);
    applyReanalysisPush(client, frame(job({ done: 500 })), 105_000);
    expect(client.getQueryData<{ job: ReanalysisJob }>(reanalysisKeys.brand(brandId))?.job.done).toBe(500);
    expect(metricsRefetches()).toBe(1);

    applyReanalysisPush(client, frame(job({ status: 'succeeded', done: 600, finishedAt: '2026-12-07T10:01:00.000Z' })));
    expect(client.getQueryData<{ job: ReanalysisJob }>(reanalysisKeys.brand(brandId))?.job.status).toBe('succeeded');
    const list = client.getQueryData<{ pages: { items: ReanalysisJob[] }[] }>(reanalysisKeys.jobs(null));
    expect(list?.pages[0]?.items[0]?.status).toBe('succeeded');
    // The end: at once, and again once the last corrections are aggregated.
    expect(metricsRefetches()).toBe(2);
    vi.advanceTimersByTime(3_000);
    expect(metricsRefetches()).toBe(3);
  });
});
