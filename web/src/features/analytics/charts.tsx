/**
 * Charts drawn with recharts: bars with 95% interval error bars (brand vs competitors, slices, topics), the two
 * periods' intervals of a metric, and the daily trend with its interval band (in `warehouse.tsx`). Every chart is a
 * `<figure>` with a caption and a table of the same numbers (visually hidden here), so nothing is only in a picture;
 * animations are off so a refetch redraws at once.
 */
import { useId } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  Line,
  LineChart,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MetricsResponse } from '../../../../shared/contracts/index.ts';
import type { MetricReading, MetricSpec } from './metrics-model.ts';

type MetricsBucket = NonNullable<MetricsResponse['series']>[number];

/** One metric of the brand per bucket (day or week) of the period; null where the bucket has no data. */
export function sparklineData(spec: MetricSpec, series: readonly MetricsBucket[]) {
  return series.map((bucket) => ({
    period: bucket.period,
    n: bucket.n,
    value: bucket.n > 0 ? spec.read(bucket.brand, bucket.n).value : null,
  }));
}

/**
 * The sparkline's sentence for assistive technology: the first and last values with their periods, or the one
 * period that has data (never "0.0 on a day, 0.0 on the same day").
 */
export function sparklineSummary(spec: MetricSpec, data: ReturnType<typeof sparklineData>, unit: 'day' | 'week') {
  const known = data.filter((d): d is typeof d & { value: number } => d.value !== null);
  const first = known[0];
  const last = known.at(-1);
  if (!first || !last) return `No per-${unit} values.`;
  if (first.period === last.period) {
    return `One ${unit} with answers: ${spec.format(first.value)} on ${first.period}.`;
  }
  return `Per ${unit}: ${spec.format(first.value)} on ${first.period}, ${spec.format(last.value)} on ${last.period}.`;
}

export interface ChartRow {
  id: string;
  label: string;
  reading: MetricReading;
  highlight?: boolean;
}

/** Colours shared by every chart: the brand in the app's accent, others in a neutral grey-blue. */
export const CHART_COLORS = { brand: '#4338ca', other: '#8d93a8', band: '#c7cbf5', grid: '#e3e6ee' } as const;

/** Axis range: the metric's own domain, or 1…worst rank seen for average position. */
export function chartDomain(spec: MetricSpec, rows: readonly ChartRow[]): [number, number] {
  if (spec.key !== 'averagePosition') return spec.domain;
  let hi = Math.max(2, rows.length);
  for (const row of rows) hi = Math.max(hi, row.reading.ci?.[1] ?? 0, row.reading.value ?? 0);
  return [1, Math.ceil(hi)];
}

export interface IntervalDatum {
  id: string;
  label: string;
  value: number | null;
  /** Distances from the value to the interval's ends, as recharts' ErrorBar wants them. */
  error: [number, number] | null;
  highlight: boolean;
}

/** Bar data with error-bar offsets; a missing interval has no error bar (never a fake zero-width one). */
export function intervalData(rows: readonly ChartRow[]): IntervalDatum[] {
  return rows.map((row) => {
    const { value, ci } = row.reading;
    return {
      id: row.id,
      label: row.label.length > 24 ? `${row.label.slice(0, 23)}…` : row.label,
      value,
      error: value !== null && ci ? [Math.max(0, value - ci[0]), Math.max(0, ci[1] - value)] : null,
      highlight: Boolean(row.highlight),
    };
  });
}

/** Horizontal bars for the value, error bars for the 95% interval, one row per entity or slice. */
export function IntervalChart({
  spec,
  rows,
  caption,
}: {
  spec: MetricSpec;
  rows: readonly ChartRow[];
  caption: string;
}) {
  const id = useId();
  const data = intervalData(rows);
  const domain = chartDomain(spec, rows);
  const height = Math.max(90, rows.length * 34 + 40);
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-caption">
        {caption}
      </figcaption>
      <div className="chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart
            data={data}
            layout="vertical"
            margin={{ top: 4, right: 24, bottom: 4, left: 4 }}
            accessibilityLayer={false}
          >
            <CartesianGrid horizontal={false} stroke={CHART_COLORS.grid} />
            <XAxis
              type="number"
              domain={domain}
              tickFormatter={(v: number) => spec.format(v)}
              tick={{ fontSize: 11 }}
              allowDataOverflow
            />
            <YAxis type="category" dataKey="label" width={150} tick={{ fontSize: 12 }} interval={0} />
            <Tooltip
              cursor={{ fill: 'rgb(67 56 202 / 6%)' }}
              formatter={(value) => (typeof value === 'number' ? spec.format(value) : 'no data')}
            />
            <Bar dataKey="value" name={spec.label} isAnimationActive={false} barSize={16} radius={2}>
              {data.map((d) => (
                <Cell key={d.id} fill={d.highlight ? CHART_COLORS.brand : CHART_COLORS.other} />
              ))}
              <ErrorBar dataKey="error" direction="x" width={6} stroke="#1c2030" strokeWidth={1.5} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="visually-hidden">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col">{spec.label}</th>
            <th scope="col">n</th>
            <th scope="col">95% interval</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">{row.label}</th>
              <td>{row.reading.value === null ? 'no data' : spec.format(row.reading.value)}</td>
              <td>{row.reading.n}</td>
              <td>{row.reading.ci ? `${spec.format(row.reading.ci[0])} – ${spec.format(row.reading.ci[1])}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/**
 * The previous and the current period's value and interval of one metric on one axis, so overlap is visible at a
 * glance. Decorative (`aria-hidden`): the card states the same numbers in text.
 */
export function PeriodIntervals({
  spec,
  current,
  previous,
}: {
  spec: MetricSpec;
  current: MetricReading;
  previous: MetricReading | null;
}) {
  const domain: [number, number] =
    spec.key === 'averagePosition'
      ? [1, Math.max(3, Math.ceil(current.ci?.[1] ?? 3), Math.ceil(previous?.ci?.[1] ?? 3))]
      : spec.domain;
  const point = (reading: MetricReading | null, y: number, label: string) =>
    reading && reading.value !== null
      ? [
          {
            x: reading.value,
            y,
            label,
            error: reading.ci
              ? [Math.max(0, reading.value - reading.ci[0]), Math.max(0, reading.ci[1] - reading.value)]
              : [0, 0],
          },
        ]
      : [];
  return (
    <div className="period-chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={44}>
        <ScatterChart margin={{ top: 4, right: 8, bottom: 0, left: 8 }} accessibilityLayer={false}>
          <XAxis type="number" dataKey="x" domain={domain} hide allowDataOverflow />
          <YAxis type="number" dataKey="y" domain={[0, 3]} hide />
          <Scatter data={point(previous, 2, 'previous')} fill={CHART_COLORS.other} isAnimationActive={false}>
            <ErrorBar dataKey="error" direction="x" width={4} stroke={CHART_COLORS.other} />
          </Scatter>
          <Scatter data={point(current, 1, 'current')} fill={CHART_COLORS.brand} isAnimationActive={false}>
            <ErrorBar dataKey="error" direction="x" width={4} stroke={CHART_COLORS.brand} />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * The metric's course over the period (per day, or per week beyond a month) as a small line under the card's value.
 * Buckets are small samples, so the line shows direction, not significance; the card's verdict is the test. The
 * drawing is hidden from assistive technology; a sentence gives the first and last values.
 */
export function MetricSparkline({ spec, series }: { spec: MetricSpec; series: readonly MetricsBucket[] }) {
  const data = sparklineData(spec, series);
  const unit = series[0]?.period.includes('W') ? 'week' : 'day';
  return (
    <div className="metric-sparkline" data-testid={`${spec.testId}-trend`}>
      <div aria-hidden="true">
        <ResponsiveContainer width="100%" height={36}>
          <LineChart data={data} margin={{ top: 4, right: 2, bottom: 2, left: 2 }} accessibilityLayer={false}>
            <YAxis
              hide
              domain={spec.key === 'averagePosition' ? ['dataMin', 'dataMax'] : spec.domain}
              reversed={spec.key === 'averagePosition'}
            />
            <Line
              dataKey="value"
              stroke={CHART_COLORS.brand}
              strokeWidth={1.5}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="visually-hidden">{sparklineSummary(spec, data, unit)}</p>
    </div>
  );
}
