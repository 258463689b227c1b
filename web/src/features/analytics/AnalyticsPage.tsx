import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { DAMPING_M } from '../../../../shared/analysis/metrics.ts';
import type { EntityMetricsView, MetricsQuery, MetricsResponse } from '../../../../shared/contracts/index.ts';
import {
  useBrand,
  useCurrentPromptSet,
  useMetrics,
  useMetricsSlices,
  useRuns,
  useWarehouse,
} from '../../api/queries.ts';
import { QueryState } from '../../components/forms.tsx';
import { EmptyState, PageHeader } from '../../components/Page.tsx';
import { useCurrentBrand } from '../brands/current-brand.tsx';
import { useMatrix } from './analytics-queries.ts';
import { Breakdown, type BreakdownResult, type BreakdownSlice } from './breakdown.tsx';
import { type ChartRow, IntervalChart, MetricSparkline, PeriodIntervals } from './charts.tsx';
import { type CsvCell, downloadCsv, toCsv } from './csv.ts';
import { DrilldownDialog } from './drilldown.tsx';
import { PromptMatrixSection } from './heatmap.tsx';
import { latestFinish, useSettleAfterRun } from './live-settle.ts';
import {
  compareMetrics,
  METRICS,
  type MetricKey,
  type MetricReading,
  type MetricSpec,
  metricSpec,
  type ShownChange,
  UNCERTAINTY_DEFINITION,
} from './metrics-model.ts';
import {
  PERIOD_PRESETS,
  type Period,
  periodDays,
  periodProblem,
  presetPeriod,
  previousPeriod,
  todayUtc,
} from './period.ts';
import { SourcesSection, TopicsSection, TrendSection } from './warehouse.tsx';
import './analytics.css';

const PROVIDERS = [
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'gemini', label: 'Gemini' },
  { value: 'perplexity', label: 'Perplexity' },
] as const;
const SURFACES = [
  { value: 'api', label: 'API' },
  { value: 'api_web_search', label: 'API with web search' },
] as const;
type Provider = (typeof PROVIDERS)[number]['value'];
type Surface = (typeof SURFACES)[number]['value'];
type Scope = 'non-branded' | 'all';

interface Slices {
  provider: Provider | undefined;
  surface: Surface | undefined;
  topic: string | undefined;
  promptSetVersion: number | undefined;
  /** Only branded (`true`) or non-branded (`false`) prompts; URL `prompts=branded|non-branded`. */
  branded: 'true' | 'false' | undefined;
  /** Prompt locale (warehouse sections only: the rollups have no locale dimension). */
  locale: string | undefined;
  scope: Scope;
}

/** Period and slices live in the URL (`?days=30`, or `?from=&to=`, plus `provider`, `surface`, …): shareable. */
function useAnalyticsParams() {
  const [params, setParams] = useSearchParams();
  const days = Number(params.get('days') ?? '30');
  const customFrom = params.get('from');
  const customTo = params.get('to');
  const custom = customFrom !== null && customTo !== null ? { from: customFrom, to: customTo } : null;
  const preset = PERIOD_PRESETS.find((d) => d === days) ?? 30;
  const today = todayUtc();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `today` changes the preset's dates at midnight.
  const period: Period = useMemo(() => custom ?? presetPeriod(preset), [custom?.from, custom?.to, preset, today]);
  const paramsKey = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed only when the URL's query changes.
  const slices: Slices = useMemo(() => {
    const provider = PROVIDERS.find((p) => p.value === params.get('provider'))?.value;
    const surface = SURFACES.find((s) => s.value === params.get('surface'))?.value;
    const topic = params.get('topic') ?? undefined;
    const version = Number(params.get('version'));
    const prompts = params.get('prompts');
    const locale = params.get('locale');
    return {
      branded: prompts === 'branded' ? 'true' : prompts === 'non-branded' ? 'false' : undefined,
      locale: locale && /^[a-z]{2,3}-[A-Z]{2}$/.test(locale) ? locale : undefined,
      provider,
      surface,
      topic: topic || undefined,
      promptSetVersion: Number.isInteger(version) && version > 0 ? version : undefined,
      scope: params.get('scope') === 'all' ? 'all' : 'non-branded',
    };
  }, [paramsKey]);
  // The base is the address bar at call time, not this render's params: navigations commit in a transition, and a
  // control used before that render lands must not write an older query back (e.g. undo a period just chosen).
  const update = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(typeof window === 'undefined' ? params : window.location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === '') next.delete(key);
        else next.set(key, value);
      }
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  const drill = params.get('drill');
  const drillFocus = params.get('focus');
  return {
    period,
    preset: custom ? null : preset,
    slices,
    update,
    drill: drill || null,
    drillFocus: drillFocus || null,
  };
}

function toQuery(period: Period, slices: Slices): MetricsQuery {
  return {
    from: period.from,
    to: period.to,
    ...(slices.provider ? { provider: slices.provider } : {}),
    ...(slices.surface ? { surface: slices.surface } : {}),
    ...(slices.topic ? { topic: slices.topic } : {}),
    ...(slices.promptSetVersion ? { promptSetVersion: slices.promptSetVersion } : {}),
    ...(slices.branded ? { branded: slices.branded } : {}),
    scope: slices.scope,
  };
}

/** Provider and surface slices of the current filters (the varying dimension's own filter is dropped). */
function breakdownSlicesFor(period: Period, slices: Slices): BreakdownSlice[] {
  return [
    ...PROVIDERS.map(
      (p): BreakdownSlice => ({
        id: `provider-${p.value}`,
        dimension: 'provider',
        label: p.label,
        query: toQuery(period, { ...slices, provider: p.value }),
      }),
    ),
    ...SURFACES.map(
      (sf): BreakdownSlice => ({
        id: `surface-${sf.value}`,
        dimension: 'surface',
        label: sf.label,
        query: toQuery(period, { ...slices, surface: sf.value }),
      }),
    ),
  ];
}

/** Brand and competitor metrics for a period and slice, compared with the previous period of the same length. */
export function AnalyticsPage() {
  const { brand, isPending: brandsPending } = useCurrentBrand();
  const { period, preset, slices, update, drill, drillFocus } = useAnalyticsParams();
  const problem = periodProblem(period);
  const previous = useMemo(() => previousPeriod(period), [period]);
  // Both periods and the brand (for topic names) are fetched at once: no waterfall.
  // The current period also carries a per-day (or, beyond a month, per-week) series for the cards' trend lines.
  const current = useMetrics(
    brand?.id,
    problem ? null : { ...toQuery(period, slices), granularity: periodDays(period) <= 31 ? 'day' : 'week' },
  );
  const before = useMetrics(brand?.id, problem ? null : toQuery(previous, slices));
  const fullBrand = useBrand(brand?.id);
  // "Where": one slice per provider and per surface, in parallel with the above.
  const breakdownSlices = useMemo(() => (problem ? [] : breakdownSlicesFor(period, slices)), [problem, period, slices]);
  const breakdownQueries = useMetricsSlices(
    brand?.id,
    breakdownSlices.map((s) => s.query),
  );
  // A topic or prompt-set version of another brand (after switching brands) is dropped from the URL.
  const topics = fullBrand.data?.topics;
  const latestVersion = fullBrand.data?.promptSetVersion;
  useEffect(() => {
    if (!topics || latestVersion === undefined) return;
    const stale: Record<string, null> = {};
    if (slices.topic && !topics.some((t) => t.id === slices.topic)) stale['topic'] = null;
    if (slices.promptSetVersion && slices.promptSetVersion > latestVersion) stale['version'] = null;
    if (Object.keys(stale).length > 0) update(stale);
  }, [topics, latestVersion, slices.topic, slices.promptSetVersion, update]);
  // Trend, topics and sources from the warehouse (provider and surface slices only), also in parallel.
  const warehouseQuery = useMemo(
    () =>
      problem
        ? null
        : {
            from: period.from,
            to: period.to,
            ...(slices.provider ? { provider: slices.provider } : {}),
            ...(slices.surface ? { surface: slices.surface } : {}),
            ...(slices.topic ? { topic: slices.topic } : {}),
            ...(slices.promptSetVersion ? { promptSetVersion: slices.promptSetVersion } : {}),
            ...(slices.branded ? { branded: slices.branded } : {}),
            ...(slices.locale ? { locale: slices.locale } : {}),
          },
    [problem, period, slices],
  );
  const warehouse = useWarehouse(brand?.id, warehouseQuery);
  const matrix = useMatrix(brand?.id, warehouseQuery);
  const promptSet = useCurrentPromptSet(brand?.id);
  const runs = useRuns(brand?.id ?? null);
  const hasRuns = runs.data ? runs.data.pages.some((p) => p.items.length > 0) : null;
  // Pushed frames keep this list current; the numbers are refetched while the newest run's answers settle.
  useSettleAfterRun(brand?.id, latestFinish(runs.data?.pages.flatMap((p) => p.items) ?? []));
  const locales = useMemo(
    () => [...new Set((promptSet.data?.prompts ?? []).map((p) => p.locale))].sort(),
    [promptSet.data],
  );
  const promptTexts = useMemo(
    () => new Map((promptSet.data?.prompts ?? []).map((p) => [p.id, p.text] as const)),
    [promptSet.data],
  );
  const heatBrand = useMemo(
    () =>
      fullBrand.data
        ? { id: fullBrand.data.id, name: fullBrand.data.name, competitors: fullBrand.data.competitors }
        : null,
    [fullBrand.data],
  );
  const openDrilldown = useCallback(
    (promptId: string, entityId: string | null) => update({ drill: promptId, focus: entityId }),
    [update],
  );
  const topicNames = useMemo(
    () => new Map((fullBrand.data?.topics ?? []).map((t) => [t.id, t.name] as const)),
    [fullBrand.data],
  );
  const slug = slugOf(brand?.name ?? 'brand');
  const breakdown: BreakdownResult[] = breakdownSlices.map((slice, i) => ({
    slice,
    data: breakdownQueries[i]?.data,
    isPending: breakdownQueries[i]?.isPending ?? true,
    error: breakdownQueries[i]?.error ?? null,
  }));

  return (
    <>
      <PageHeader
        title="Analytics"
        description="How visible you are in AI answers, where, versus whom — and whether a change is real or inside the noise."
      >
        {current.data && current.data.n > 0 ? (
          <ExportButton
            brandName={brand?.name ?? 'brand'}
            current={current.data}
            previous={before.data}
            slices={slices}
            breakdown={breakdown}
          />
        ) : null}
      </PageHeader>
      {brandsPending ? (
        <p className="loading-line" role="status">
          <span className="spinner spinner--inline" aria-hidden="true" /> Loading brands…
        </p>
      ) : !brand ? (
        <EmptyState icon="▤" title="No brand yet">
          <p>
            Analytics compares a brand with its competitors. <Link to="/setup">Set up your first brand</Link> to start.
          </p>
        </EmptyState>
      ) : (
        <>
          <Filters
            period={period}
            preset={preset}
            slices={slices}
            update={update}
            topics={fullBrand.data?.topics ?? []}
            latestVersion={fullBrand.data?.promptSetVersion ?? brand.promptSetVersion}
            locales={locales}
          />
          {slices.locale ? (
            <p className="muted small" role="note">
              The locale filter applies to the trend, the heat map, topics and sources; the headline metrics, the
              competitor matrix and “Where” come from rollups that are not split by locale.
            </p>
          ) : null}
          {problem ? (
            <p className="form-error" role="alert">
              {problem}
            </p>
          ) : (
            <QueryState query={current} label="metrics">
              {current.data ? (
                <Report
                  data={current.data}
                  previous={before.data}
                  previousPeriod={previous}
                  updating={current.isPlaceholderData || (current.isFetching && !current.isPending)}
                  sliced={Boolean(
                    slices.provider || slices.surface || slices.topic || slices.promptSetVersion || slices.branded,
                  )}
                  topicName={fullBrand.data?.topics.find((t) => t.id === slices.topic)?.name}
                  breakdown={breakdown}
                  hasRuns={hasRuns}
                />
              ) : null}
            </QueryState>
          )}
          {!problem && current.data && current.data.n > 0 ? (
            <>
              <TrendSection query={warehouse.trends} period={period} slug={slug} />
              {heatBrand ? (
                <PromptMatrixSection
                  query={matrix}
                  brand={heatBrand}
                  promptTexts={promptTexts}
                  period={period}
                  slug={slug}
                  onOpen={openDrilldown}
                  deff={current.data.brand.mentionRate.deff}
                />
              ) : null}
              <TopicsSection
                query={warehouse.topics}
                topicNames={topicNames}
                period={period}
                slug={slug}
                deff={current.data.brand.mentionRate.deff}
              />
              <SourcesSection query={warehouse.sources} period={period} slug={slug} />
            </>
          ) : null}
        </>
      )}
      <MetricHelp />
      {brand && drill && warehouseQuery ? (
        <DrilldownDialog
          key={`${drill}|${drillFocus ?? ''}`}
          brandId={brand.id}
          promptId={drill}
          focusEntityId={drillFocus}
          query={warehouseQuery}
          onClose={() => update({ drill: null, focus: null })}
        />
      ) : null}
    </>
  );
}

function Filters({
  period,
  preset,
  slices,
  update,
  topics,
  latestVersion,
  locales,
}: {
  period: Period;
  preset: number | null;
  slices: Slices;
  update: (changes: Record<string, string | null>) => void;
  topics: readonly { id: string; name: string }[];
  latestVersion: number;
  /** Locales of the current prompt set; the filter shows when there is more than one. */
  locales: readonly string[];
}) {
  const id = useId();
  const [draft, setDraft] = useState<Period>(period);
  const [showCustom, setShowCustom] = useState(preset === null);
  const versions = Array.from({ length: latestVersion }, (_, i) => latestVersion - i);
  return (
    <section className="panel analytics-filters" aria-label="Period and slices">
      <div className="analytics-filter-row">
        <fieldset className="segmented">
          <legend className="visually-hidden">Period</legend>
          {PERIOD_PRESETS.map((days) => (
            <button
              key={days}
              type="button"
              className={
                preset === days ? 'button button--small button--primary' : 'button button--small button--ghost'
              }
              aria-pressed={preset === days}
              onClick={() => {
                setShowCustom(false);
                update({ days: String(days), from: null, to: null });
              }}
            >
              Last {days} days
            </button>
          ))}
          <button
            type="button"
            className={preset === null ? 'button button--small button--primary' : 'button button--small button--ghost'}
            aria-pressed={preset === null}
            aria-expanded={showCustom}
            onClick={() => {
              setDraft(period);
              setShowCustom(true);
            }}
          >
            Custom…
          </button>
        </fieldset>
        <span className="muted small" data-testid="analytics-period">
          {period.from} → {period.to} ({periodDays(period)} days, UTC)
        </span>
      </div>
      {showCustom ? (
        <form
          className="analytics-filter-row"
          onSubmit={(event) => {
            event.preventDefault();
            if (!periodProblem(draft)) update({ from: draft.from, to: draft.to, days: null });
          }}
        >
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="date"
            value={draft.from}
            max={draft.to}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="date"
            value={draft.to}
            min={draft.from}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
          />
          <button type="submit" className="button button--small" disabled={periodProblem(draft) !== null}>
            Apply
          </button>
          {periodProblem(draft) ? <span className="field-error">{periodProblem(draft)}</span> : null}
        </form>
      ) : null}
      <div className="analytics-filter-row">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select
          id={`${id}-provider`}
          value={slices.provider ?? ''}
          onChange={(e) => update({ provider: e.target.value })}
        >
          <option value="">All providers</option>
          {PROVIDERS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-surface`}>Surface</label>
        <select id={`${id}-surface`} value={slices.surface ?? ''} onChange={(e) => update({ surface: e.target.value })}>
          <option value="">All surfaces</option>
          {SURFACES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-topic`}>Topic</label>
        <select id={`${id}-topic`} value={slices.topic ?? ''} onChange={(e) => update({ topic: e.target.value })}>
          <option value="">All topics</option>
          {topics.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-version`}>Prompt set</label>
        <select
          id={`${id}-version`}
          value={slices.promptSetVersion ?? ''}
          onChange={(e) => update({ version: e.target.value })}
        >
          <option value="">All versions</option>
          {versions.map((v) => (
            <option key={v} value={v}>
              Version {v}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-prompts`}>Prompts</label>
        <select
          id={`${id}-prompts`}
          value={slices.branded === 'true' ? 'branded' : slices.branded === 'false' ? 'non-branded' : ''}
          onChange={(e) => update({ prompts: e.target.value })}
        >
          <option value="">Branded and non-branded</option>
          <option value="branded">Branded only</option>
          <option value="non-branded">Non-branded only</option>
        </select>
        {locales.length > 1 || slices.locale ? (
          <>
            <label htmlFor={`${id}-locale`}>Locale</label>
            <select
              id={`${id}-locale`}
              value={slices.locale ?? ''}
              onChange={(e) => update({ locale: e.target.value })}
            >
              <option value="">All locales</option>
              {locales.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor={`${id}-scope`}>Share-of-voice scope</label>
        <select
          id={`${id}-scope`}
          value={slices.scope}
          onChange={(e) => update({ scope: e.target.value === 'all' ? 'all' : null })}
        >
          <option value="non-branded">Non-branded prompts</option>
          <option value="all">All prompts</option>
        </select>
      </div>
    </section>
  );
}

function Report({
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
      {updating ? (
        <p className="muted small" role="status">
          Updating…
        </p>
      ) : null}
      <p className="muted small" data-testid="analytics-n">
        Based on <strong>n = {data.n}</strong> analysed answers ({data.from} → {data.to}
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

function entities(data: MetricsResponse): EntityMetricsView[] {
  return [data.brand, ...data.competitors];
}

function intervalText(spec: MetricSpec, reading: MetricReading): string {
  return reading.ci ? `${spec.format(reading.ci[0])} – ${spec.format(reading.ci[1])}` : 'not defined';
}

function MetricCard({
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
          <dt>n</dt>
          <dd data-testid={`${spec.testId}-n`}>
            {reading.n} {reading.nLabel}
            {reading.k !== null && reading.n > 0 ? ` (${reading.k} hits)` : ''}
          </dd>
        </div>
        <div>
          <dt>95% interval</dt>
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
          Raw score {(score.raw * 100).toFixed(1)} × small-sample damping {score.damping.toFixed(2)} ({data.n}/({data.n}{' '}
          + {DAMPING_M})) = {score.value.toFixed(1)}. With few answers the score is pulled towards 0, so it cannot look
          good by chance.
        </p>
      ) : (
        <PeriodIntervals spec={spec} current={reading} previous={before} />
      )}
    </li>
  );
}

function ChangeText({ spec, change, before }: { spec: MetricSpec; change: ShownChange; before: MetricReading | null }) {
  if (change.delta === null) return <span className="muted">no data in the previous period</span>;
  const was = before?.value !== null && before?.value !== undefined ? `was ${spec.format(before.value)}` : '';
  const delta = spec.formatDelta(change.delta);
  if (!change.tested) {
    return (
      <span>
        {delta} ({was}; <span className="noise-tag noise-tag--untested">not tested</span>)
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
        {change.verdict}
      </span>
    </span>
  );
}

function HelpTip({ id, label, text }: { id: string; label: string; text: string }) {
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

type SortKey = 'name' | MetricKey;

function sortValue(entity: EntityMetricsView, key: SortKey, n: number): string | number | null {
  if (key === 'name') return entity.name.toLocaleLowerCase();
  return metricSpec(key).read(entity, n).value;
}

/** Sorted rows of the matrix; null values last in either direction. */
function sortEntities(data: MetricsResponse, key: SortKey, dir: 'ascending' | 'descending'): EntityMetricsView[] {
  const sign = dir === 'ascending' ? 1 : -1;
  return entities(data).sort((a, b) => {
    const va = sortValue(a, key, data.n);
    const vb = sortValue(b, key, data.n);
    if (va === null) return vb === null ? 0 : 1;
    if (vb === null) return -1;
    return (va < vb ? -1 : va > vb ? 1 : 0) * sign;
  });
}

function CompetitorMatrix({ data }: { data: MetricsResponse }) {
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

const CSV_HEADER = [
  'entity',
  'kind',
  'metric',
  'value',
  'k',
  'n',
  'n_counts',
  'ci95_low',
  'ci95_high',
  'previous_value',
  'previous_n',
  'change',
  'change_ci95_low',
  'change_ci95_high',
  'change_verdict',
  'from',
  'to',
  'previous_from',
  'previous_to',
  'provider',
  'surface',
  'topic',
  'prompt_set_version',
  'share_of_voice_scope',
  'prompts',
  'slice',
] as const;

/** One row per entity × metric, for exactly the numbers on screen (raw values, not rounded). */
export function analyticsCsv(
  current: MetricsResponse,
  previous: MetricsResponse | undefined,
  slices: Slices,
  breakdown: readonly BreakdownResult[] = [],
): string {
  const prev = previous && previous.n > 0 ? previous : undefined;
  const prevPeriod = previousPeriod({ from: current.from, to: current.to });
  const rows: CsvCell[][] = [];
  for (const entity of entities(current)) {
    const before = prev ? entities(prev).find((e) => e.entityId === entity.entityId) : undefined;
    const changes = compareMetrics(before, entity);
    for (const spec of METRICS) {
      const r = spec.read(entity, current.n);
      const b = before && prev ? spec.read(before, prev.n) : null;
      const c = changes[spec.key];
      rows.push([
        entity.name,
        entity.kind,
        spec.key,
        r.value,
        r.k,
        r.n,
        r.nLabel,
        r.ci?.[0],
        r.ci?.[1],
        b?.value,
        b?.n,
        c.delta,
        c.ci?.[0],
        c.ci?.[1],
        c.verdict,
        current.from,
        current.to,
        prevPeriod.from,
        prevPeriod.to,
        slices.provider ?? 'all',
        slices.surface ?? 'all',
        slices.topic ?? 'all',
        slices.promptSetVersion ?? 'all',
        slices.scope,
        slices.branded === 'true' ? 'branded' : slices.branded === 'false' ? 'non-branded' : 'all',
        'overall',
      ]);
    }
  }
  // The brand's row of each provider / surface slice on screen (no period comparison there).
  for (const { slice, data } of breakdown) {
    if (!data || data.n === 0) continue;
    for (const spec of METRICS) {
      const r = spec.read(data.brand, data.n);
      rows.push([
        data.brand.name,
        'brand',
        spec.key,
        r.value,
        r.k,
        r.n,
        r.nLabel,
        r.ci?.[0],
        r.ci?.[1],
        null,
        null,
        null,
        null,
        null,
        null,
        data.from,
        data.to,
        null,
        null,
        slice.query.provider ?? 'all',
        slice.query.surface ?? 'all',
        slices.topic ?? 'all',
        slices.promptSetVersion ?? 'all',
        slices.scope,
        slices.branded === 'true' ? 'branded' : slices.branded === 'false' ? 'non-branded' : 'all',
        `${slice.dimension}=${slice.query[slice.dimension]}`,
      ]);
    }
  }
  return toCsv(CSV_HEADER, rows);
}

function ExportButton({
  brandName,
  current,
  previous,
  slices,
  breakdown,
}: {
  brandName: string;
  current: MetricsResponse;
  previous: MetricsResponse | undefined;
  slices: Slices;
  breakdown: readonly BreakdownResult[];
}) {
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        const slug = slugOf(brandName);
        downloadCsv(
          `promptpulse-${slug}-${current.from}-${current.to}.csv`,
          analyticsCsv(current, previous, slices, breakdown),
        );
      }}
    >
      Export CSV
    </button>
  );
}

function slugOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'brand'
  );
}

function MetricHelp() {
  return (
    <section className="panel" aria-labelledby="metric-help-title">
      <h2 id="metric-help-title">How the metrics are defined</h2>
      <dl className="definition-list">
        {METRICS.map((metric) => (
          <div key={metric.key}>
            <dt>{metric.label}</dt>
            <dd>{metric.definition}</dd>
          </div>
        ))}
        <div>
          <dt>Uncertainty and “inside the noise”</dt>
          <dd>
            {UNCERTAINTY_DEFINITION} A change whose 95% interval contains zero is marked “inside the noise”: it may be
            chance. The visibility score has no interval of its own, so its change is not tested — look at its
            components.
          </dd>
        </div>
      </dl>
    </section>
  );
}
