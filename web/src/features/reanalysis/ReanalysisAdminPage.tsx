import { useMemo } from 'react';
import { describeMutationError } from '../../api/errors.ts';
import { usePermissions } from '../../auth/permissions.ts';
import { QueryState, ReadOnlyHint } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { useReanalysisJobs, useStartReanalysis } from './reanalysis-api.ts';
import { jobRow } from './reanalysis-model.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Admin: the workspace's re-analysis jobs, newest first — what started each (a brand change, a new engine, the
 * sweep, a person), its progress, what it re-scored or skipped and why, its function time and what that costs.
 * Owners and admins may re-score the current brand by hand (no model calls: stored answers only).
 */
export function ReanalysisAdminPage() {
  const { canManage, role } = usePermissions();
  const { brand, brands } = useCurrentBrand();
  const jobs = useReanalysisJobs(canManage);
  const start = useStartReanalysis();
  const names = useMemo(() => new Map((brands ?? []).map((b) => [b.id, b.name] as const)), [brands]);
  const rows = (jobs.data?.pages.flatMap((p) => p.items) ?? []).map(jobRow);
  return (
    <>
      <PageHeader
        title="Re-analysis"
        description="When a brand’s competitors, aliases or domains change, or the analysis engine improves, its stored answers are re-scored so every number uses one definition. No model calls: stored answers only."
      >
        {canManage && brand ? (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => start.mutate(brand.id)}
            disabled={start.isPending}
          >
            {start.isPending ? 'Starting…' : `Re-score ${brand.name} now`}
          </button>
        ) : null}
      </PageHeader>
      {start.error ? (
        <p className="form-error" role="alert">
          {describeMutationError(start.error)}
        </p>
      ) : null}
      {!canManage ? (
        <ReadOnlyHint role={role} what="re-analysis jobs are visible to owners and admins" />
      ) : (
        <QueryState query={jobs} label="re-analysis jobs">
          {rows.length === 0 ? (
            <EmptyState icon="↻" title="No re-analysis yet">
              <p>
                Change a brand’s competitors, aliases or owned domains and its history is re-scored here; a sweep every
                six hours also catches answers analysed by an older engine.
              </p>
            </EmptyState>
          ) : (
            <div className="panel panel--flush">
              <table className="table" aria-label="Re-analysis jobs" data-testid="reanalysis-jobs">
                <thead>
                  <tr>
                    <th scope="col">Started</th>
                    <th scope="col">Brand</th>
                    <th scope="col">Why</th>
                    <th scope="col">Status</th>
                    <th scope="col">Answers</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Function time</th>
                    <th scope="col">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.jobId} data-testid="reanalysis-job" data-status={row.running ? 'running' : 'ended'}>
                      <td>
                        <time dateTime={row.startedAt}>{dateTime.format(new Date(row.startedAt))}</time>
                        {row.finishedAt ? (
                          <div className="muted small">
                            ended <time dateTime={row.finishedAt}>{dateTime.format(new Date(row.finishedAt))}</time>
                          </div>
                        ) : null}
                      </td>
                      <td>{names.get(row.brandId) ?? row.brandId}</td>
                      <td>{row.trigger}</td>
                      <td>{row.status}</td>
                      <td className="num">{row.progress}</td>
                      <td>{row.outcome}</td>
                      <td className="num">{row.functionTime}</td>
                      <td className="num" title="Compute at the function’s memory size and AWS’s Arm list price">
                        {row.cost}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {jobs.hasNextPage ? (
                <div className="panel-pad">
                  <button
                    type="button"
                    className="button button--ghost"
                    onClick={() => void jobs.fetchNextPage()}
                    disabled={jobs.isFetchingNextPage}
                  >
                    {jobs.isFetchingNextPage ? 'Loading…' : 'Load older jobs'}
                  </button>
                </div>
              ) : null}
            </div>
          )}
        </QueryState>
      )}
    </>
  );
}
