/**
 * Re-analysis jobs in the web app: a brand's newest job (the re-scoring banner), the workspace's jobs (Admin) and a
 * manual start. Progress arrives over the WebSocket (`reanalysis.progressed`, folded in by
 * {@link applyReanalysisPush}); without the push channel the banner polls while a job runs.
 */
import { type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import * as z from 'zod';
import {
  type ReanalysisJob,
  ReanalysisJobListSchema,
  ReanalysisJobSchema,
} from '../../../../shared/contracts/reanalysis.ts';
import type { PushMessage } from '../../../../shared/contracts/runs.ts';
import { queryKeys } from '../../api/queries.ts';
import { runPollInterval, usePushStatus } from '../../app/live-push.tsx';
import { useApi } from '../../app/runtime.tsx';
import { isNewerJob } from './reanalysis-model.ts';

export const reanalysisKeys = {
  all: ['reanalysis'] as const,
  brand: (brandId: string) => ['reanalysis', 'brand', brandId] as const,
  jobs: (brandId: string | null) => ['reanalysis', 'jobs', brandId ?? 'all'] as const,
};

const BrandJobSchema = z.object({ job: ReanalysisJobSchema.nullable() });
type BrandJob = z.infer<typeof BrandJobSchema>;

/** Without a running job the banner still looks now and then (someone else may change the brand). */
const IDLE_POLL_MS = 60_000;

/** `GET /brands/{id}/reanalysis`: the brand's newest job; polled while it runs (slowly when pushes arrive). */
export function useBrandReanalysis(brandId: string | null | undefined) {
  const api = useApi();
  const push = usePushStatus();
  return useQuery({
    queryKey: reanalysisKeys.brand(brandId ?? ''),
    queryFn: ({ signal }) =>
      api.request({ method: 'GET', path: `/brands/${brandId}/reanalysis`, schema: BrandJobSchema, signal }),
    enabled: Boolean(brandId),
    staleTime: 0,
    refetchInterval: (query) =>
      query.state.data?.job?.status === 'running' ? runPollInterval(push, true) || IDLE_POLL_MS : IDLE_POLL_MS,
  });
}

/** `GET /reanalysis/jobs`: the workspace's jobs, newest first (Admin). Refreshed while one of them runs. */
export function useReanalysisJobs(enabled: boolean) {
  const api = useApi();
  const push = usePushStatus();
  return useInfiniteQuery({
    queryKey: reanalysisKeys.jobs(null),
    queryFn: ({ pageParam, signal }) =>
      api.request({
        method: 'GET',
        path: `/reanalysis/jobs?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        schema: ReanalysisJobListSchema,
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((j) => j.status === 'running'))
        ? runPollInterval(push, true)
        : false,
  });
}

/** `POST /brands/{id}/reanalysis`: re-score the brand's history with its current settings (owner, admin). */
export function useStartReanalysis() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (brandId: string) =>
      api.request({ method: 'POST', path: `/brands/${brandId}/reanalysis`, schema: ReanalysisJobSchema }),
    onSuccess: (job) => {
      applyJob(queryClient, job);
      void queryClient.invalidateQueries({ queryKey: reanalysisKeys.jobs(null) });
    },
  });
}

/** Folds a job into the caches: the brand's banner (when newer than what it shows) and the Admin list. */
function applyJob(queryClient: QueryClient, job: ReanalysisJob): boolean {
  const key = reanalysisKeys.brand(job.brandId);
  const cached = queryClient.getQueryData<BrandJob>(key);
  const newer = isNewerJob(job, cached?.job);
  if (newer) queryClient.setQueryData<BrandJob>(key, { job });
  for (const [listKey, data] of queryClient.getQueriesData<{
    pages: z.infer<typeof ReanalysisJobListSchema>[];
    pageParams: unknown[];
  }>({ queryKey: ['reanalysis', 'jobs'] })) {
    if (!data) continue;
    let found = false;
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.map((item) => {
        if (item.jobId !== job.jobId) return item;
        found = true;
        return isNewerJob(job, item) ? job : item;
      }),
    }));
    if (found) queryClient.setQueryData(listKey, { ...data, pages });
    else void queryClient.invalidateQueries({ queryKey: listKey });
  }
  return newer;
}

/** While a job runs, the brand's numbers are refetched at most this often (a long job pushes a frame per page). */
export const PROGRESS_REFETCH_MS = 10_000;
const lastRefetch = new Map<string, number>();

/**
 * A pushed `reanalysis.progressed` frame: the banner and the Admin list move on; the corrections change the brand's
 * numbers, so the Analytics queries on screen are refetched, at most every {@link PROGRESS_REFETCH_MS} while the job
 * runs, and twice when it ends (at once, and after the aggregator applied the last corrections). Frames older than
 * what is shown change nothing.
 */
export function applyReanalysisPush(queryClient: QueryClient, message: PushMessage, now = Date.now()): void {
  if (message.type !== 'reanalysis.progressed') return;
  const { job } = message;
  if (!applyJob(queryClient, job)) return;
  const refetch = () =>
    void queryClient.invalidateQueries({ queryKey: [...queryKeys.metricsAll, job.brandId] }, { cancelRefetch: false });
  if (job.status !== 'running') {
    lastRefetch.delete(job.brandId);
    refetch();
    setTimeout(refetch, 3_000);
    return;
  }
  if (now - (lastRefetch.get(job.brandId) ?? 0) < PROGRESS_REFETCH_MS) return;
  lastRefetch.set(job.brandId, now);
  refetch();
}
