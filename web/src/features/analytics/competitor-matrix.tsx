/** The brand and its competitors side by side, sortable by any metric. */
import { useState } from 'react';
import type { EntityMetricsView, MetricsResponse } from '../../../../shared/contracts/index.ts';
import { METRICS, type MetricKey, metricSpec } from './metrics-model.ts';
import { entities, intervalText } from './report.tsx';

export type SortKey = 'name' | MetricKey;

export function sortValue(entity: EntityMetricsView, key: SortKey, n: number): string | number | null {
  if (key === 'name') return entity.name.toLocaleLowerCase();
  return metricSpec(key).read(entity, n).value;
}

/** Sorted rows of the matrix; null values last in either direction. */
export function sortEntities(
  data: MetricsResponse,
  key: SortKey,
  dir: 'ascending' | 'descending',
): EntityMetricsView[] {
  const sign = dir === 'ascending' ? 1 : -1;
  return entities(data).sort((a, b) => {
    const va = sortValue(a, key, data.n);
    const vb = sortValue(b, key, data.n);
    if (va === null) return vb === null ? 0 : 1;
    if (vb === null) return -1;
    return (va < vb ? -1 : va > vb ? 1 : 0) * sign;
  });
}

export function CompetitorMatrix({ data }: { data: MetricsResponse }) {
  const [sort, setSort] = useState<{ key: SortKey; dir: 'ascending' | 'descending' }>({
    key: 'visibilityScore',
    dir: 'descending',
  });
  const rows = sortEntities(data, sort.key, sort.dir);
  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th key={key} scope="col" aria-sort={active ? sort.dir : 'none'}>
        <button
          type="button"
          className="sort-button"
          onClick={() =>
            setSort({
              key,
              dir: active
                ? sort.dir === 'ascending'
                  ? 'descending'
                  : 'ascending'
                : key === 'name' || key === 'averagePosition'
                  ? 'ascending'
                  : 'descending',
            })
          }
        >
          {label}
          <span aria-hidden="true">{active ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}</span>
        </button>
      </th>
    );
  };
  return (
    <section className="panel panel--flush" aria-labelledby="matrix-title">
      <div className="panel-pad">
        <h2 id="matrix-title">Competitor matrix</h2>
        <p className="muted small">
          Every entity uses the same {data.n} answers as denominator for mention rate. Values with their 95% interval;
          select a column to sort.
        </p>
      </div>
      <div className="table-scroll">
        <table className="table analytics-matrix" data-testid="competitor-matrix">
          <thead>
            <tr>
              {header('name', 'Brand')}
              {METRICS.map((spec) => header(spec.key, spec.label))}
            </tr>
          </thead>
          <tbody>
            {rows.map((entity) => (
              <tr key={entity.entityId} className={entity.kind === 'brand' ? 'matrix-brand' : undefined}>
                <th scope="row">
                  {entity.name}
                  {entity.kind === 'brand' ? <span className="chip chip--branded">you</span> : null}
                </th>
                {METRICS.map((spec) => {
                  const r = spec.read(entity, data.n);
                  return (
                    <td key={spec.key}>
                      {r.value === null ? <span className="muted">—</span> : spec.format(r.value)}
                      {r.ci ? <span className="matrix-ci">{intervalText(spec, r)}</span> : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
