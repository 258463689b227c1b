/**
 * Signals charts (recharts): daily volume stacked by source, and mean sentiment toward the brand with the days that
 * raised an alert marked. Each is a `<figure>` with a caption and a (visually hidden) table of the same numbers.
 */
import { useId } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  SIGNAL_SOURCE_VALUES,
  type SignalAlert,
  type SignalSeriesPoint,
} from '../../../../shared/contracts/signals.ts';

export const SOURCE_LABELS: Record<string, string> = {
  reddit: 'Reddit',
  rss: 'News & RSS',
  x: 'X',
  meta: 'Meta',
  webhook: 'Webhook',
  all: 'All sources',
};
const SOURCE_COLORS: Record<string, string> = {
  reddit: '#ea580c',
  rss: '#0f766e',
  x: '#1f2937',
  meta: '#2563eb',
  webhook: '#7c3aed',
};
const GRID = '#e3e6ee';

/** Every day of the period, so quiet days show as zero instead of disappearing. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

const shortDay = (day: string) => day.slice(5);

export function VolumeChart({ points, from, to }: { points: SignalSeriesPoint[]; from: string; to: string }) {
  const id = useId();
  const sources = SIGNAL_SOURCE_VALUES.filter((s) => points.some((p) => p.source === s && p.volume > 0));
  const rows = daysBetween(from, to).map((day) => {
    const row: Record<string, number | string> = { day };
    for (const s of sources) row[s] = points.find((p) => p.day === day && p.source === s)?.volume ?? 0;
    return row;
  });
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`} data-testid="signals-volume-chart">
      <figcaption id={`${id}-caption`} className="chart-caption">
        Signals per day, by source
      </figcaption>
      <div className="chart-canvas" aria-hidden="true" style={{ height: 220 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID} vertical={false} />
            <XAxis dataKey="day" tickFormatter={shortDay} minTickGap={16} />
            <YAxis allowDecimals={false} width={36} />
            <Tooltip />
            <Legend formatter={(value: string) => SOURCE_LABELS[value] ?? value} />
            {sources.map((s) => (
              <Bar key={s} dataKey={s} stackId="volume" fill={SOURCE_COLORS[s]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <SeriesTable
        caption="Signals per day, by source"
        head={['Day', ...sources.map((s) => SOURCE_LABELS[s] ?? s)]}
        rows={rows.map((r) => [String(r.day), ...sources.map((s) => String(r[s]))])}
      />
    </figure>
  );
}

export function SentimentChart({
  points,
  alerts,
  from,
  to,
}: {
  points: SignalSeriesPoint[];
  alerts: SignalAlert[];
  from: string;
  to: string;
}) {
  const id = useId();
  const rows = daysBetween(from, to).map((day) => {
    const all = points.find((p) => p.day === day && p.source === 'all');
    const total = all ? all.positive + all.neutral + all.negative : 0;
    return {
      day,
      mean: all?.sentiment.mean ?? null,
      n: all?.sentiment.n ?? 0,
      negativeShare: total > 0 ? (all?.negative ?? 0) / total : null,
    };
  });
  const alertDays = [...new Set(alerts.filter((a) => a.metric === 'sentiment').map((a) => a.day))].filter(
    (d) => d >= from && d <= to,
  );
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`} data-testid="signals-sentiment-chart">
      <figcaption id={`${id}-caption`} className="chart-caption">
        Mean sentiment toward the brand per day (−1 to +1), and the share of negative signals
      </figcaption>
      <div className="chart-canvas" aria-hidden="true" style={{ height: 220 }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID} vertical={false} />
            <XAxis dataKey="day" tickFormatter={shortDay} minTickGap={16} />
            <YAxis domain={[-1, 1]} width={36} />
            <Tooltip />
            <Legend formatter={(value: string) => (value === 'mean' ? 'Mean sentiment' : 'Negative share (0–1)')} />
            <ReferenceLine y={0} stroke="#8d93a8" />
            {alertDays.map((day) => (
              <ReferenceLine key={day} x={day} stroke="#dc2626" strokeDasharray="4 2" />
            ))}
            <Line dataKey="mean" stroke="#4338ca" dot={false} connectNulls isAnimationActive={false} />
            <Line dataKey="negativeShare" stroke="#dc2626" dot={false} connectNulls isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <SeriesTable
        caption="Mean sentiment toward the brand per day"
        head={['Day', 'Mean sentiment', 'n', 'Negative share']}
        rows={rows.map((r) => [
          r.day,
          r.mean === null ? '—' : r.mean.toFixed(2),
          String(r.n),
          r.negativeShare === null ? '—' : `${Math.round(r.negativeShare * 100)}%`,
        ])}
      />
    </figure>
  );
}

function SeriesTable({ caption, head, rows }: { caption: string; head: string[]; rows: string[][] }) {
  return (
    <table className="visually-hidden">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r[0]}>
            {r.map((cell, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
