/**
 * Sections over the warehouse routes: the daily trend (with the period's noise band), topics and cited sources.
 * Rates get their 95% Wilson interval computed here from the counts the warehouse returns.
 */
import { useId, useState } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { clusteredProportion, wilsonDesign } from '../../../../shared/analysis/stats.ts';
import type { SourceRow, TopicRow, TrendRow } from '../../../../shared/contracts/index.ts';
import { QueryState } from '../../components/forms.tsx';
import { CHART_COLORS, type ChartRow, IntervalChart } from './charts.tsx';
import { type CsvCell, downloadCsv, toCsv } from './csv.ts';
import { metricSpec } from './metrics-model.ts';
import { isoDate, type Period, parseDate } from './period.ts';
import { useVersionMarkers, type VersionMarker, VersionMarkerList } from './version-markers.tsx';

interface Loaded<T> {
  data: { rows: T[] } | undefined;
  isPending: boolean;
  error: unknown;
  refetch: () => unknown;
  isFetching: boolean;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function ExportSectionButton({ label, filename, csv }: { label: string; filename: string; csv: () => string }) {
  return (
    <button type="button" className="button button--small button--ghost" onClick={() => downloadCsv(filename, csv())}>
      {label}
    </button>
  );
}

interface DayPoint {
  day: string;
  answers: number;
  mentioned: number;
  rate: number | null;
  ci: [number, number] | null;
}

/** Every day of the period, summed over the providers and surfaces the warehouse returned. */
export function dailyPoints(rows: readonly TrendRow[], period: Period): DayPoint[] {
  const byDay = new Map<string, { answers: number; mentioned: number }>();
  for (const row of rows) {
    const day = byDay.get(row.day) ?? { answers: 0, mentioned: 0 };
    day.answers += row.answers;
    day.mentioned += row.brandMentioned;
    byDay.set(row.day, day);
  }
  // The period's design effect over its provider-days (the rows), lent to each day: a day has too few providers to
  // estimate its own (the same interval function as the Analytics API, docs/analysis.md "Intervals").
  const { deff } = clusteredProportion(rows.map((r) => ({ k: r.brandMentioned, n: r.answers })));
  const points: DayPoint[] = [];
  const from = parseDate(period.from);
  const to = parseDate(period.to);
  if (from === null || to === null) return points;
  for (let ms = from; ms <= to; ms += 86_400_000) {
    const day = isoDate(ms);
    const d = byDay.get(day) ?? { answers: 0, mentioned: 0 };
    points.push({
      day,
      answers: d.answers,
      mentioned: d.mentioned,
      rate: d.answers > 0 ? d.mentioned / d.answers : null,
      ci: d.answers > 0 ? wilsonDesign(d.mentioned, d.answers, deff) : null,
    });
  }
  return points;
}

/** What the trend caption says: the period's interval and how many days sit inside it. */
export function trendNoise(points: readonly DayPoint[]) {
  // Clustered by day: answers of one day share the models' state and the news (docs/analysis.md, "Intervals").
  const period = clusteredProportion(points.map((p) => ({ k: p.mentioned, n: p.answers })));
  const band = period.n > 0 ? period.ci : null;
  const withData = points.filter((p) => p.rate !== null);
  const inside = withData.filter((p) => band && p.ci && p.ci[0] <= band[1] && p.ci[1] >= band[0]).length;
  return { band, withData: withData.length, inside };
}

function TrendChart({
  points,
  caption,
  markers = [],
}: {
  points: readonly DayPoint[];
  caption: string;
  markers?: readonly VersionMarker[];
}) {
  const id = useId();
  const { band, withData, inside } = trendNoise(points);
  const data = points.map((p) => ({ day: p.day, rate: p.rate, range: p.ci, answers: p.answers }));
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-caption">
        {caption}
      </figcaption>
      <div className="chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
            <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => pct(v)} tick={{ fontSize: 11 }} width={48} />
            {band ? (
              <ReferenceArea
                y1={band[0]}
                y2={band[1]}
                fill={CHART_COLORS.band}
                fillOpacity={0.45}
                ifOverflow="visible"
              />
            ) : null}
            <Area
              dataKey="range"
              name="95% interval"
              stroke="none"
              fill={CHART_COLORS.brand}
              fillOpacity={0.15}
              isAnimationActive={false}
              connectNulls={false}
            />
            {markers.map((m) => (
              <ReferenceLine
                key={m.version}
                x={m.day}
                stroke={CHART_COLORS.other}
                strokeDasharray="4 3"
                label={`v${m.version}`}
              />
            ))}
            <Line
              dataKey="rate"
              name="Mention rate"
              stroke={CHART_COLORS.brand}
              strokeWidth={2}
              dot={{ r: 2.5 }}
              isAnimationActive={false}
              connectNulls={false}
            />
            <Tooltip
              formatter={(value, name) =>
                Array.isArray(value)
                  ? [`${pct(Number(value[0]))} – ${pct(Number(value[1]))}`, name]
                  : [typeof value === 'number' ? pct(value) : '—', name]
              }
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small">
        Line: daily mention rate; light area: its 95% interval; shaded band: the 95% interval of the whole period
        {band ? ` (${pct(band[0])} – ${pct(band[1])})` : ''}. {withData > 0 ? `${inside} of ${withData}` : 'No'} days
        with answers are inside the noise of the period rate.
      </p>
      <details>
        <summary>Table of the daily values</summary>
        <table className="table table--compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Answers</th>
              <th scope="col">Mentioning</th>
              <th scope="col">Mention rate</th>
              <th scope="col">95% interval</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.day}>
                <th scope="row">{p.day}</th>
                <td>{p.answers}</td>
                <td>{p.mentioned}</td>
                <td>{p.rate === null ? '—' : pct(p.rate)}</td>
                <td>{p.ci ? `${pct(p.ci[0])} – ${pct(p.ci[1])}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export interface SplitSeries {
  /** One key per series (provider or surface) with answers in the period, in a stable order. */
  keys: string[];
  /** One object per day: `day`, then each key's mention rate (null on a day without answers of that key). */
  data: Record<string, string | number | null>[];
}

/** Daily mention rate per provider (or surface): the "where" of the trend, same days as {@link dailyPoints}. */
export function splitDailyRates(rows: readonly TrendRow[], period: Period, by: 'provider' | 'surface'): SplitSeries {
  const counts = new Map<string, { answers: number; mentioned: number }>();
  const keys = new Set<string>();
  for (const row of rows) {
    const key = row[by];
    keys.add(key);
    const id = `${row.day}|${key}`;
    const c = counts.get(id) ?? { answers: 0, mentioned: 0 };
    c.answers += row.answers;
    c.mentioned += row.brandMentioned;
    counts.set(id, c);
  }
  const ordered = [...keys].sort();
  const data: Record<string, string | number | null>[] = [];
  const from = parseDate(period.from);
  const to = parseDate(period.to);
  if (from === null || to === null) return { keys: ordered, data };
  for (let ms = from; ms <= to; ms += 86_400_000) {
    const day = isoDate(ms);
    const point: Record<string, string | number | null> = { day };
    for (const key of ordered) {
      const c = counts.get(`${day}|${key}`);
      point[key] = c && c.answers > 0 ? c.mentioned / c.answers : null;
    }
    data.push(point);
  }
  return { keys: ordered, data };
}

const SERIES_COLORS = ['#4338ca', '#b54708', '#067647', '#c11574', '#475467'];
const SERIES_LABEL: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  gemini: 'Gemini',
  perplexity: 'Perplexity',
  api: 'API',
  api_web_search: 'API with web search',
};

function SplitTrendChart({ series, caption }: { series: SplitSeries; caption: string }) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} className="chart-caption">
        {caption}
      </figcaption>
      <div className="chart-canvas" aria-hidden="true">
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={series.data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid stroke={CHART_COLORS.grid} vertical={false} />
            <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => pct(v)} tick={{ fontSize: 11 }} width={48} />
            {series.keys.map((key, i) => (
              <Line
                key={key}
                dataKey={key}
                name={SERIES_LABEL[key] ?? key}
                stroke={SERIES_COLORS[i % SERIES_COLORS.length]}
                strokeWidth={2}
                strokeDasharray={i % 2 === 1 ? '5 3' : undefined}
                dot={{ r: 2 }}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
            <Legend />
            <Tooltip formatter={(value, name) => [typeof value === 'number' ? pct(value) : '—', name]} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Table of the daily values by {caption.includes('surface') ? 'surface' : 'provider'}</summary>
        <table className="table table--compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.keys.map((key) => (
                <th key={key} scope="col">
                  {SERIES_LABEL[key] ?? key}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.data.map((point) => (
              <tr key={String(point['day'])}>
                <th scope="row">{point['day']}</th>
                {series.keys.map((key) => (
                  <td key={key}>{typeof point[key] === 'number' ? pct(point[key]) : '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function TrendSection({ query, period, slug }: { query: Loaded<TrendRow>; period: Period; slug: string }) {
  const points = query.data ? dailyPoints(query.data.rows, period) : [];
  const [split, setSplit] = useState<'none' | 'provider' | 'surface'>('none');
  const series = query.data && split !== 'none' ? splitDailyRates(query.data.rows, period, split) : null;
  const markers = useVersionMarkers(period);
  return (
    <section className="panel" aria-labelledby="trend-title" data-testid="analytics-trend">
      <div className="section-head">
        <h2 id="trend-title">Mention rate per day</h2>
        {query.data ? (
          <ExportSectionButton
            label="Export trend CSV"
            filename={`promptpulse-${slug}-trend-${period.from}-${period.to}.csv`}
            csv={() =>
              toCsv(
                ['day', 'answers', 'brand_mentioned', 'mention_rate', 'ci95_low', 'ci95_high'],
                points.map((p): CsvCell[] => [p.day, p.answers, p.mentioned, p.rate, p.ci?.[0], p.ci?.[1]]),
              )
            }
          />
        ) : null}
      </div>
      <p className="muted small">
        From the warehouse (the lake of analysed answers); every filter applies except the share-of-voice scope.
      </p>
      <QueryState query={query} label="the trend">
        <fieldset className="segmented trend-split">
          <legend className="visually-hidden">Split the trend</legend>
          {(
            [
              ['none', 'All answers'],
              ['provider', 'By provider'],
              ['surface', 'By surface'],
            ] as const
          ).map(([value, label]) => (
            <button
              key={value}
              type="button"
              aria-pressed={split === value}
              className={
                split === value ? 'button button--small button--primary' : 'button button--small button--ghost'
              }
              onClick={() => setSplit(value)}
            >
              {label}
            </button>
          ))}
        </fieldset>
        {series ? (
          <SplitTrendChart series={series} caption={`Daily mention rate by ${split}, ${period.from} → ${period.to}`} />
        ) : (
          <TrendChart points={points} caption={`Daily mention rate, ${period.from} → ${period.to}`} markers={markers} />
        )}
        <VersionMarkerList markers={markers} />
      </QueryState>
    </section>
  );
}

export function TopicsSection({
  query,
  topicNames,
  period,
  slug,
  deff = 1,
}: {
  query: Loaded<TopicRow>;
  topicNames: ReadonlyMap<string, string>;
  period: Period;
  slug: string;
  /** Design effect of the brand's mention rate over the whole scope (the metrics API), lent to each topic. */
  deff?: number;
}) {
  const spec = metricSpec('mentionRate');
  const rows = (query.data?.rows ?? [])
    .map((r) => ({
      id: r.topicId ?? 'none',
      name: r.topicId === null ? 'No topic' : (topicNames.get(r.topicId) ?? r.topicId),
      answers: r.answers,
      mentioned: r.brandMentioned,
      rate: r.answers > 0 ? r.brandMentioned / r.answers : null,
      ci: r.answers > 0 ? wilsonDesign(r.brandMentioned, r.answers, deff) : null,
      sentiment: r.meanSentiment,
    }))
    .sort((a, b) => b.answers - a.answers);
  return (
    <section className="panel" aria-labelledby="topics-title" data-testid="analytics-topics">
      <div className="section-head">
        <h2 id="topics-title">Why: topics</h2>
        {query.data ? (
          <ExportSectionButton
            label="Export topics CSV"
            filename={`promptpulse-${slug}-topics-${period.from}-${period.to}.csv`}
            csv={() =>
              toCsv(
                ['topic', 'answers', 'brand_mentioned', 'mention_rate', 'ci95_low', 'ci95_high', 'mean_sentiment'],
                rows.map((r): CsvCell[] => [r.name, r.answers, r.mentioned, r.rate, r.ci?.[0], r.ci?.[1], r.sentiment]),
              )
            }
          />
        ) : null}
      </div>
      <QueryState query={query} label="topics">
        {rows.length === 0 ? (
          <p className="muted">No analysed answers in this period.</p>
        ) : (
          <>
            <table className="table table--compact" aria-label="Topics">
              <thead>
                <tr>
                  <th scope="col">Topic</th>
                  <th scope="col">Answers</th>
                  <th scope="col">Mention rate</th>
                  <th scope="col">95% interval</th>
                  <th scope="col">Mean sentiment</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{r.name}</th>
                    <td>{r.answers}</td>
                    <td>{r.rate === null ? '—' : pct(r.rate)}</td>
                    <td>{r.ci ? `${pct(r.ci[0])} – ${pct(r.ci[1])}` : '—'}</td>
                    <td>{r.sentiment === null ? '—' : r.sentiment.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length > 1 ? (
              <IntervalChart
                spec={spec}
                caption="Mention rate by topic"
                rows={rows.map(
                  (r): ChartRow => ({
                    id: r.id,
                    label: r.name,
                    reading: { value: r.rate, n: r.answers, nLabel: 'answers', ci: r.ci, k: r.mentioned },
                  }),
                )}
              />
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}

const CLASS_LABEL: Record<SourceRow['class'], string> = {
  owned: 'Owned',
  competitor: 'Competitor',
  'third-party': 'Third-party',
};

export function SourcesSection({ query, period, slug }: { query: Loaded<SourceRow>; period: Period; slug: string }) {
  const rows = query.data?.rows ?? [];
  const total = rows.reduce((a, r) => a + r.citations, 0);
  const byClass = (['owned', 'competitor', 'third-party'] as const).map((cls) => {
    const citations = rows.filter((r) => r.class === cls).reduce((a, r) => a + r.citations, 0);
    return { cls, citations, share: total > 0 ? citations / total : null };
  });
  const shown = rows.slice(0, 20);
  return (
    <section className="panel" aria-labelledby="sources-title" data-testid="analytics-sources">
      <div className="section-head">
        <h2 id="sources-title">Sources: cited domains</h2>
        {query.data ? (
          <ExportSectionButton
            label="Export sources CSV"
            filename={`promptpulse-${slug}-sources-${period.from}-${period.to}.csv`}
            csv={() =>
              toCsv(
                ['domain', 'class', 'citations', 'answers_citing'],
                rows.map((r): CsvCell[] => [r.domain, r.class, r.citations, r.answers]),
              )
            }
          />
        ) : null}
      </div>
      <QueryState query={query} label="sources">
        {rows.length === 0 ? (
          <p className="muted">No citations in this period.</p>
        ) : (
          <>
            <p className="small">
              Of {total} citations to the {rows.length} most cited domains:{' '}
              {byClass
                .map(
                  (c) =>
                    `${CLASS_LABEL[c.cls].toLowerCase()} ${c.citations} (${c.share === null ? '—' : pct(c.share)})`,
                )
                .join(', ')}
              .
            </p>
            <table className="table table--compact" aria-label="Cited domains">
              <thead>
                <tr>
                  <th scope="col">Domain</th>
                  <th scope="col">Class</th>
                  <th scope="col">Citations</th>
                  <th scope="col">Answers citing</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={`${r.domain}-${r.class}`}>
                    <th scope="row">{r.domain}</th>
                    <td>
                      <span className={r.class === 'owned' ? 'chip chip--branded' : 'chip'}>
                        {CLASS_LABEL[r.class]}
                      </span>
                    </td>
                    <td>{r.citations}</td>
                    <td>{r.answers}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rows.length > shown.length ? (
              <p className="muted small">Showing the 20 most cited of {rows.length} domains.</p>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}
