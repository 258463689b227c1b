/**
 * Small inline SVG charts (no chart library): a bar for the value and a whisker for its 95% interval. The SVG is
 * decorative for assistive technology; every chart carries a table with the same numbers.
 */
import { useId } from 'react';
import type { MetricReading, MetricSpec } from './metrics-model.ts';

export interface ChartRow {
  id: string;
  label: string;
  reading: MetricReading;
  highlight?: boolean;
}

const WIDTH = 560;
const LABEL_W = 150;
const VALUE_W = 120;
const ROW_H = 26;
const PLOT_W = WIDTH - LABEL_W - VALUE_W;

function chartDomain(spec: MetricSpec, rows: readonly ChartRow[]): [number, number] {
  if (spec.key !== 'averagePosition') return spec.domain;
  let hi = Math.max(2, rows.length);
  for (const row of rows) hi = Math.max(hi, row.reading.ci?.[1] ?? 0, row.reading.value ?? 0);
  return [1, Math.ceil(hi)];
}

/** Bars with interval whiskers, one row per entity, plus the equivalent table. */
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
  const [lo, hi] = chartDomain(spec, rows);
  const x = (v: number) => LABEL_W + ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo || 1)) * PLOT_W;
  const base = spec.domain[0] < 0 ? x(0) : x(lo);
  const height = rows.length * ROW_H + 24;
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-caption">
        {caption}
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        className="chart-svg"
        aria-hidden="true"
        focusable="false"
        preserveAspectRatio="xMinYMin meet"
      >
        <line x1={base} x2={base} y1={0} y2={rows.length * ROW_H} className="chart-axis" />
        {rows.map((row, i) => {
          const y = i * ROW_H;
          const { value, ci } = row.reading;
          return (
            <g key={row.id} className={row.highlight ? 'chart-row chart-row--brand' : 'chart-row'}>
              <text x={0} y={y + ROW_H / 2 + 4} className="chart-label">
                {row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label}
              </text>
              {value === null ? null : (
                <rect
                  x={Math.min(base, x(value))}
                  y={y + 6}
                  width={Math.max(1, Math.abs(x(value) - base))}
                  height={ROW_H - 12}
                  className="chart-bar"
                  rx={2}
                />
              )}
              {ci ? (
                <g className="chart-ci">
                  <line x1={x(ci[0])} x2={x(ci[1])} y1={y + ROW_H / 2} y2={y + ROW_H / 2} />
                  <line x1={x(ci[0])} x2={x(ci[0])} y1={y + 8} y2={y + ROW_H - 8} />
                  <line x1={x(ci[1])} x2={x(ci[1])} y1={y + 8} y2={y + ROW_H - 8} />
                </g>
              ) : null}
              <text x={WIDTH - VALUE_W + 8} y={y + ROW_H / 2 + 4} className="chart-value">
                {value === null ? 'no data' : spec.format(value)}
              </text>
            </g>
          );
        })}
        <text x={LABEL_W} y={height - 6} className="chart-tick">
          {spec.format(lo)}
        </text>
        <text x={LABEL_W + PLOT_W} y={height - 6} className="chart-tick" textAnchor="end">
          {spec.format(hi)}
        </text>
      </svg>
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
 * The previous and the current period's intervals of one metric on one axis, so overlap is visible at a glance.
 * Decorative: the card states the same numbers in text.
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
  const w = 200;
  const [lo, hi] =
    spec.key === 'averagePosition'
      ? [1, Math.max(3, Math.ceil(current.ci?.[1] ?? 3), Math.ceil(previous?.ci?.[1] ?? 3))]
      : spec.domain;
  const x = (v: number) => 4 + ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo || 1)) * (w - 8);
  const line = (reading: MetricReading | null, y: number, cls: string) =>
    reading && reading.value !== null ? (
      <g className={cls}>
        {reading.ci ? <line x1={x(reading.ci[0])} x2={x(reading.ci[1])} y1={y} y2={y} /> : null}
        <circle cx={x(reading.value)} cy={y} r={3.5} />
      </g>
    ) : null;
  return (
    <svg viewBox={`0 0 ${w} 28`} width={w} height={28} className="period-svg" aria-hidden="true" focusable="false">
      <line x1={4} x2={w - 4} y1={27} y2={27} className="chart-axis" />
      {line(previous, 8, 'period-prev')}
      {line(current, 19, 'period-cur')}
    </svg>
  );
}
