/** The headline report: n, metric cards with intervals and changes, the competitor matrix, breakdowns, charts. */
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { DAMPING_M } from '../../../../shared/analysis/metrics.ts';
import type { EntityMetricsView, MetricsResponse } from '../../../../shared/contracts/index.ts';
import { EmptyState } from '../../components/Page.tsx';
import { Term } from '../../components/Term.tsx';
import { Breakdown, type BreakdownResult } from './breakdown.tsx';
import { type ChartRow, IntervalChart, MetricSparkline, PeriodIntervals } from './charts.tsx';
import { CompetitorMatrix } from './competitor-matrix.tsx';
import {
  compareMetrics,
  METRICS,
  type MetricReading,
  type MetricSpec,
  metricSpec,
  type ShownChange,
} from './metrics-model.ts';
import type { Period } from './period.ts';

export function Report({
  data,
  previous,
  previousPeriod: prev,
  updating,
  sliced,
  topicName,
  breakdown,
  hasRuns,
}: {
  breakdown: readonly BreakdownResult[];
  /** Whether the brand has any run at all (null while unknown): "no runs yet" and "nothing in this period" differ. */
  hasRuns: boolean | null;
  data: MetricsResponse;
  previous: MetricsResponse | undefined;
  previousPeriod: Period;
  /**
   * The figures shown belong to other filters or another period (the new ones are loading): dimmed and busy until
   * they arrive. Background refetches of the same figures (live settling after a run) do not count: they would keep
   * the note up for minutes while nothing the user asked for is pending.
   */
  updating: boolean;
  sliced: boolean;
  topicName: string | undefined;
}) {
  if (data.n === 0 && hasRuns === false) {
    return (
      <EmptyState icon="▤" title="No runs yet">
        <p>
          Analytics is computed from the answers AI assistants give to your tracked prompts, and none have been asked
          yet. <Link to="/runs">Run your prompts first</Link> (Runs → Run now); the numbers appear here live as the
          answers are analysed.
        </p>
      </EmptyState>
    );
  }
  if (data.n === 0) {
    return (
      <EmptyState icon="▤" title="No analysed answers in this period">
        <p>
          There is nothing to measure for {data.from} → {data.to}
          {sliced ? ' with these slices' : ''}. <Link to="/runs">Run your prompts first</Link>
          {sliced ? ', or widen the period and clear the provider, surface, topic or version filters' : ''} —
          PromptPulse never shows estimated or sample figures.
        </p>
      </EmptyState>
    );
  }
  const prevData = previous && previous.n > 0 ? previous : undefined;
  const changes = compareMetrics(prevData?.brand, data.brand);
  return (
    <div aria-busy={updating} className={updating ? 'analytics-report analytics-report--updating' : 'analytics-report'}>
      <p className="muted small" role="status" data-testid="analytics-updating">
        {updating ? 'Updating…' : ''}
      </p>
      <p className="muted small" data-testid="analytics-n">
        Based on <strong>n = {data.n}</strong> analysed answers
        {data.brand.mentionRate.clusters ? ` in ${data.brand.mentionRate.clusters} prompt runs` : ''} ({data.from} →{' '}
        {data.to}
        {topicName ? `, topic ${topicName}` : ''}); compared with {prev.from} → {prev.to} (
        {previous ? `n = ${previous.n}` : 'loading'}).
      </p>
      <section aria-labelledby="headline-title">
        <h2 id="headline-title" className="visually-hidden">
          Headline metrics for {data.brand.name}
        </h2>
        <ul className="metric-cards">
          {METRICS.map((spec) => (
            <MetricCard key={spec.key} spec={spec} data={data} previous={prevData} change={changes[spec.key]} />
          ))}
        </ul>
      </section>
      <CompetitorMatrix data={data} />
      <Breakdown results={breakdown} brandName={data.brand.name} />
      <section className="panel" aria-labelledby="charts-title">
        <h2 id="charts-title">Brand versus competitors</h2>
        <p className="muted small">
          Bars show the value; whiskers the 95% interval. Overlapping whiskers mean the difference may be noise.
        </p>
        <div className="chart-grid">
          {(['mentionRate', 'shareOfVoice', 'citationShare'] as const).map((key) => {
            const spec = metricSpec(key);
            return (
              <IntervalChart
                key={key}
                spec={spec}
                caption={`${spec.label} by brand, ${data.from} → ${data.to}`}
                rows={entities(data).map(
                  (e): ChartRow => ({
                    id: e.entityId,
                    label: e.name,
                    reading: spec.read(e, data.n),
                    highlight: e.kind === 'brand',
                  }),
                )}
              />
            );
          })}
        </div>
      </section>
    </div>
  );
}

export function entities(data: MetricsResponse): EntityMetricsView[] {
  return [data.brand, ...data.competitors];
}

export function intervalText(spec: MetricSpec, reading: MetricReading): string {
  return reading.ci ? `${spec.format(reading.ci[0])} – ${spec.format(reading.ci[1])}` : 'not defined';
}

export function MetricCard({
  spec,
  data,
  previous,
  change,
}: {
  spec: MetricSpec;
  data: MetricsResponse;
  previous: MetricsResponse | undefined;
  change: ShownChange;
}) {
  const reading = spec.read(data.brand, data.n);
  const before = previous ? spec.read(previous.brand, previous.n) : null;
  const helpId = useId();
  const score = data.brand.visibilityScore;
  return (
    <li className="card metric-card" data-testid={spec.testId} aria-labelledby={`${helpId}-title`}>
      <div className="card-head">
        <h3 id={`${helpId}-title`}>{spec.label}</h3>
        <HelpTip id={helpId} label={spec.label} text={spec.definition} />
      </div>
      <p className="metric-value" data-testid={`${spec.testId}-value`}>
        {reading.value === null ? <span className="muted">no data</span> : spec.format(reading.value)}
        {spec.key === 'visibilityScore' ? <span className="metric-unit"> / 100</span> : null}
      </p>
      <dl className="metric-facts">
        <div>
          <dt>
            <Term term="n" />
          </dt>
          <dd data-testid={`${spec.testId}-n`}>
            {reading.n} {reading.nLabel}
            {reading.k !== null && reading.n > 0 ? ` (${reading.k} hits)` : ''}
          </dd>
        </div>
        <div>
          <dt>
            <Term term="95% interval" />
          </dt>
          <dd>
            {spec.key === 'visibilityScore'
              ? 'none for the composite (see its components)'
              : intervalText(spec, reading)}
          </dd>
        </div>
        <div>
          <dt>vs previous</dt>
          <dd>
            <ChangeText spec={spec} change={change} before={before} />
          </dd>
        </div>
      </dl>
      {data.series && data.series.length > 1 ? <MetricSparkline spec={spec} series={data.series} /> : null}
      {spec.key === 'visibilityScore' ? (
        <p className="small muted">
          Raw score {(score.raw * 100).toFixed(1)} × <Term term="small-sample damping" /> {score.damping.toFixed(2)} (
          {data.n}/({data.n} + {DAMPING_M})) = {score.value.toFixed(1)}. With few answers the score is pulled towards 0,
          so it cannot look good by chance.
        </p>
      ) : (
        <PeriodIntervals spec={spec} current={reading} previous={before} />
      )}
    </li>
  );
}

export function ChangeText({
  spec,
  change,
  before,
}: {
  spec: MetricSpec;
  change: ShownChange;
  before: MetricReading | null;
}) {
  if (change.delta === null) return <span className="muted">no data in the previous period</span>;
  const was = before?.value !== null && before?.value !== undefined ? `was ${spec.format(before.value)}` : '';
  const delta = spec.formatDelta(change.delta);
  if (!change.tested) {
    return (
      <span>
        {delta} ({was};{' '}
        <span className="noise-tag noise-tag--untested">
          <Term term="not tested" />
        </span>
        )
      </span>
    );
  }
  return (
    <span>
      {delta} ({was}){' '}
      <span
        className={`noise-tag noise-tag--${change.verdict.replaceAll(' ', '-')}`}
        data-testid={`${spec.testId}-change`}
        title={
          change.ci
            ? `95% interval of the change: ${spec.formatDelta(change.ci[0])} to ${spec.formatDelta(change.ci[1])}`
            : undefined
        }
      >
        {change.verdict === 'inside the noise' ? <Term term="inside the noise" /> : change.verdict}
      </span>
    </span>
  );
}

export function HelpTip({ id, label, text }: { id: string; label: string; text: string }) {
  const [open, setOpen] = useState(false);
  return (
    <span className="help-tip">
      <button
        type="button"
        className="help-tip-button"
        aria-label={`What is ${label}?`}
        aria-expanded={open}
        aria-controls={`${id}-help`}
        onClick={() => setOpen((o) => !o)}
      >
        ?
      </button>
      <span id={`${id}-help`} role="tooltip" className="help-tip-text" hidden={!open}>
        {text}
      </span>
    </span>
  );
}
