/**
 * Live numbers after a run: pushed run frames already invalidate the Analytics queries (`applyRunSummary`), with a
 * few refetches in the seconds after the last frame. But the rollups and the lake follow the run through the event
 * stream, and under load they can trail it by more than those few seconds. While the page is open and the brand's
 * newest run finished less than {@link SETTLE_WINDOW_MS} ago, the Analytics queries are refetched every
 * {@link SETTLE_EVERY_MS}, so the numbers catch up without a reload; then it stops.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { RunSummary } from '../../../../shared/contracts/index.ts';

export const SETTLE_WINDOW_MS = 90_000;
export const SETTLE_EVERY_MS = 4_000;

/** The newest finish time among the brand's runs, or null when none has finished. */
export function latestFinish(runs: readonly Pick<RunSummary, 'finishedAt'>[]): string | null {
  let latest: string | null = null;
  for (const run of runs) if (run.finishedAt && (latest === null || run.finishedAt > latest)) latest = run.finishedAt;
  return latest;
}

/** Whether a run that finished at `finishedAt` may still be reaching the aggregates at `now`. */
export function isSettling(finishedAt: string | null, now: number): boolean {
  if (!finishedAt) return false;
  const age = now - Date.parse(finishedAt);
  return Number.isFinite(age) && age >= -SETTLE_WINDOW_MS && age < SETTLE_WINDOW_MS;
}

export function useSettleAfterRun(brandId: string | undefined, finishedAt: string | null): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!brandId || !isSettling(finishedAt, Date.now())) return;
    const timer = setInterval(() => {
      if (!isSettling(finishedAt, Date.now())) {
        clearInterval(timer);
        return;
      }
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
      void queryClient.invalidateQueries({ queryKey: ['metrics', brandId] }, { cancelRefetch: false });
    }, SETTLE_EVERY_MS);
    return () => clearInterval(timer);
  }, [brandId, finishedAt, queryClient]);
}
