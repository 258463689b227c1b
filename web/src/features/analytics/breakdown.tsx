/** "Where": the brand's metrics per provider and per surface, each slice with its own n and 95% intervals. */
import type { MetricsQuery, MetricsResponse } from '../../../../shared/contracts/index.ts';
import { type ChartRow, IntervalChart } from './charts.tsx';
import { METRICS, metricSpec } from './metrics-model.ts';

export interface BreakdownSlice {
  id: string;
  dimension: 'provider' | 'surface';
  label: string;
  query: MetricsQuery;
  /** Not enabled in the brand's run settings: an empty slice means "not asked", not "asked and nothing found". */
  disabled?: boolean;
}

export interface BreakdownResult {
  slice: BreakdownSlice;
  data: MetricsResponse | undefined;
  isPending: boolean;
  error: unknown;
}

function intervalText(format: (v: number) => string, ci: [number, number] | null): string | null {
  return ci ? `${format(ci[0])} – ${format(ci[1])}` : null;
}

function BreakdownTable({ title, results }: { title: string; results: readonly BreakdownResult[] }) {
  const mention = metricSpec('mentionRate');
  const loaded = results.flatMap((r) => (r.data && r.data.n > 0 ? [{ slice: r.slice, data: r.data }] : []));
  return (
    <div className="breakdown">
      <div className="table-scroll">
        <table className="table table--compact analytics-matrix" aria-label={`By ${title.toLowerCase()}`}>
          <thead>
            <tr>
              <th scope="col">{title}</th>
              <th scope="col">n answers</th>
              {METRICS.map((spec) => (
                <th key={spec.key} scope="col">
                  {spec.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {results.map(({ slice, data, isPending, error }) => (
              <tr key={slice.id} data-testid={`breakdown-${slice.id}`}>
                <th scope="row">{slice.label}</th>
                {error ? (
                  <td colSpan={METRICS.length + 1} className="cell-bad">
                    Could not load this slice.
                  </td>
                ) : isPending || !data ? (
                  <td colSpan={METRICS.length + 1} className="muted">
                    Loading…
                  </td>
                ) : data.n === 0 && slice.disabled ? (
                  <td colSpan={METRICS.length + 1} className="muted" data-testid={`breakdown-${slice.id}-disabled`}>
                    Disabled in run settings: no data
                  </td>
                ) : data.n === 0 ? (
                  <td colSpan={METRICS.length + 1} className="muted">
                    No analysed answers in this period
                  </td>
                ) : (
                  <>
                    <td>{data.n}</td>
                    {METRICS.map((spec) => {
                      const r = spec.read(data.brand, data.n);
                      const ci = intervalText(spec.format, r.ci);
                      return (
                        <td key={spec.key}>
                          {r.value === null ? <span className="muted">—</span> : spec.format(r.value)}
                          {ci ? <span className="matrix-ci">{ci}</span> : null}
                        </td>
                      );
                    })}
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {loaded.length > 1 ? (
        <IntervalChart
          spec={mention}
          caption={`Mention rate by ${title.toLowerCase()}`}
          rows={loaded.map(
            (r): ChartRow => ({
              id: r.slice.id,
              label: r.slice.label,
              reading: mention.read(r.data.brand, r.data.n),
            }),
          )}
        />
      ) : null}
    </div>
  );
}

export function Breakdown({ results, brandName }: { results: readonly BreakdownResult[]; brandName: string }) {
  return (
    <section className="panel" aria-labelledby="breakdown-title">
      <h2 id="breakdown-title">Where: {brandName} by provider and surface</h2>
      <p className="muted small">
        Each row is its own slice with its own n and 95% intervals; the other filters (period, topic, prompt set, scope)
        still apply. Small slices have wide intervals — compare them with care.
      </p>
      <BreakdownTable title="Provider" results={results.filter((r) => r.slice.dimension === 'provider')} />
      <BreakdownTable title="Surface" results={results.filter((r) => r.slice.dimension === 'surface')} />
    </section>
  );
}
