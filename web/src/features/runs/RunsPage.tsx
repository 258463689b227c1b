import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useRuns } from '../../api/queries.ts';
import { runPollInterval, usePushStatus } from '../../app/live-push.tsx';
import { QueryState } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { RunNowButton } from './RunNowButton.tsx';
import { formatCost, ProgressBar, StatusBadge, TimeCell } from './run-ui.tsx';

/** Run history, newest first, optionally for one brand (`?brand=<id>`), with live status while runs go on. */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  // Local state answers the choice at once; the URL (`?brand=`) keeps it across reloads and links.
  const [brandFilter, setBrandFilter] = useState<string | null>(() => params.get('brand'));
  const urlBrand = params.get('brand');
  useEffect(() => setBrandFilter(urlBrand), [urlBrand]);
  const { brands, brand: currentBrand } = useCurrentBrand();
  const push = usePushStatus();
  const runs = useRuns(brandFilter, { pollMs: (hasActive) => runPollInterval(push, hasActive) });
  const filterId = useId();
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const runBrand = brands?.find((b) => b.id === brandFilter) ?? (brandFilter ? null : currentBrand);

  return (
    <>
      <PageHeader
        title="Runs"
        description="Each run asks AI providers your tracked prompts, several samples per prompt, and stores every answer."
      >
        {runBrand ? <RunNowButton brandId={runBrand.id} brandName={runBrand.name} /> : null}
      </PageHeader>
      {brands && brands.length > 1 ? (
        <div className="toolbar">
          <label htmlFor={filterId}>Brand</label>
          <select
            id={filterId}
            value={brandFilter ?? ''}
            onChange={(event) => {
              setBrandFilter(event.target.value || null);
              const next = new URLSearchParams(params);
              if (event.target.value) next.set('brand', event.target.value);
              else next.delete('brand');
              setParams(next, { replace: true });
            }}
          >
            <option value="">All brands</option>
            {brands.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
              </option>
            ))}
          </select>
        </div>
      ) : brandFilter ? (
        <p className="toolbar">
          Runs of <strong>{brands?.find((b) => b.id === brandFilter)?.name ?? 'one brand'}</strong> ·{' '}
          <Link to="/runs">All runs</Link>
        </p>
      ) : null}
      <QueryState query={runs} label="runs">
        {items.length === 0 ? (
          <EmptyState icon="▶" title="No runs yet">
            <p>
              {brandFilter
                ? 'This brand has not been run yet.'
                : 'Nothing has been run in this workspace yet. “Run now” sends every tracked prompt of a brand to its enabled providers; scheduled runs appear here too.'}
            </p>
          </EmptyState>
        ) : (
          <div className="panel panel--flush">
            <table className="table" aria-label="Runs">
              <thead>
                <tr>
                  <th scope="col">Brand</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Cost</th>
                  <th scope="col">Started</th>
                  <th scope="col">Finished</th>
                  <th scope="col">
                    <span className="visually-hidden">Open</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((run) => (
                  <tr key={run.id} data-testid="run-row" data-run-id={run.id}>
                    <td>
                      <strong>{run.brandName}</strong>
                      <div className="muted small">prompt set v{run.promptSetVersion}</div>
                    </td>
                    <td className="capitalize">{run.trigger}</td>
                    <td>
                      <StatusBadge status={run.status} />
                      {run.cancelRequested && run.status === 'running' ? (
                        <div className="muted small">cancelling…</div>
                      ) : null}
                    </td>
                    <td className="cell-progress">
                      <ProgressBar counts={run.counts} label={`Progress of the ${run.brandName} run`} compact />
                    </td>
                    <td>{formatCost(run.usage.costUsd)}</td>
                    <td>
                      <TimeCell iso={run.startedAt ?? run.createdAt} />
                    </td>
                    <td>
                      <TimeCell iso={run.finishedAt} />
                    </td>
                    <td>
                      <Link to={`/runs/${encodeURIComponent(run.id)}`} className="button button--ghost button--small">
                        Details
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {runs.hasNextPage ? (
              <div className="panel-pad">
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => void runs.fetchNextPage()}
                  disabled={runs.isFetchingNextPage}
                >
                  {runs.isFetchingNextPage ? 'Loading…' : 'Load older runs'}
                </button>
              </div>
            ) : null}
          </div>
        )}
      </QueryState>
    </>
  );
}
