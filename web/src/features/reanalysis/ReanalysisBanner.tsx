import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { queryKeys } from '../../api/queries.ts';
import { useBrandReanalysis } from './reanalysis-api.ts';
import { bannerOf } from './reanalysis-model.ts';

/**
 * Shown on a brand's pages while its history is being re-scored (a brand or competitor change, or a new engine):
 * answers done of the total, from pushed progress or polling. When the job ends the brand's numbers are refetched
 * once more, so the charts show the corrected series without a reload.
 */
export function ReanalysisBanner({ brandId }: { brandId: string }) {
  const query = useBrandReanalysis(brandId);
  const job = query.data?.job ?? null;
  const banner = bannerOf(job);
  const queryClient = useQueryClient();
  const wasRunning = useRef<string | null>(null);
  useEffect(() => {
    if (banner && job) {
      wasRunning.current = job.jobId;
      return;
    }
    if (wasRunning.current) {
      wasRunning.current = null;
      void queryClient.invalidateQueries({ queryKey: [...queryKeys.metricsAll, brandId] });
    }
  }, [banner, job, brandId, queryClient]);
  if (!banner) return null;
  return (
    <div className="notice reanalysis-banner" role="status" data-testid="reanalysis-banner">
      <p>{banner.message}</p>
      <div
        className="progress progress--compact"
        role="progressbar"
        aria-label="Answers re-scored"
        aria-valuemin={0}
        aria-valuemax={banner.total}
        aria-valuenow={banner.done}
      >
        <span className="progress-track">
          <span className="progress-seg progress-seg--succeeded" style={{ width: `${banner.percent}%` }} />
        </span>
      </div>
    </div>
  );
}
